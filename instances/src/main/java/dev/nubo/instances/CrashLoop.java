package dev.nubo.instances;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides, at each unplanned exit, between restarting after a delay and giving up.
 *
 * <p>Only exits within the last {@code crashLoopWindow} count. With n of them (this one included):
 * more than {@code crashLoopRestarts} is a crash loop; otherwise the delay is
 * {@code backoffBase * 2^(n-1)}, capped at {@code backoffMax}. So an instance that stays up for a
 * whole window starts over at the base delay with a fresh budget; no separate reset timer is needed.
 *
 * <p>Not thread-safe: the owning {@link Instance} calls it under its lock. Time is a parameter.
 */
final class CrashLoop {

    sealed interface Verdict {}

    record Restart(Duration delay) implements Verdict {}

    record GiveUp(int exits, Duration window) implements Verdict {}

    private final InstancesConfig config;
    private final Deque<Instant> exits = new ArrayDeque<>();

    CrashLoop(InstancesConfig config) {
        this.config = config;
    }

    Verdict exited(Instant now) {
        exits.addLast(now);
        Instant horizon = now.minus(config.crashLoopWindow());
        while (exits.getFirst().isBefore(horizon)) {
            exits.removeFirst();
        }
        int n = exits.size();
        if (n > config.crashLoopRestarts()) {
            return new GiveUp(n, config.crashLoopWindow());
        }
        return new Restart(backoff(n - 1));
    }

    private Duration backoff(int earlierExits) {
        Duration max = config.backoffMax();
        // Past 2^30 every sane base is over any sane max; avoid overflowing the multiplication.
        if (earlierExits >= 30) {
            return max;
        }
        Duration delay = config.backoffBase().multipliedBy(1L << earlierExits);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
