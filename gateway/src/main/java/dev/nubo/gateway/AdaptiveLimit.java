package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests one instance may have in flight when its revision sets no {@code scale.limit}:
 * learned from how the instance takes them, as TCP learns its congestion window and Netflix's
 * concurrency-limits its AIMD limit. Pure: it reads no clock (times are {@link System#nanoTime()}
 * values passed in) and does no I/O; {@link Exchange} tells it what happened. Lock-free and
 * allocation-free, because every claim reads it.
 *
 * <ol>
 *   <li>A new instance may take {@link #INITIAL} at once. Just ready, a process may still accept
 *       slowly (a JVM compiling its first requests), and some take few connections at all (Python's
 *       {@code http.server}: one request at a time behind a listen backlog of 5). A burst held during
 *       its cold start must not land on it all at once.</li>
 *   <li>An answer that arrives while at least half the limit is in use raises it by one, so under
 *       pressure it doubles with every round of answers; an instance that is not pushed does not grow
 *       a limit it never proved. Never above {@code max}. Not while a quarter of the limit or more
 *       waits for connections the instance has not accepted yet: a full listen backlog drops new
 *       connections silently, and only the connect timeout tells, a second later; answers from the
 *       connections already accepted would go on doubling the limit meanwhile.</li>
 *   <li>A connection refused, or not accepted within the connect timeout (a full listen backlog),
 *       halves the limit (at least 1), once per round: an attempt that started before the last cut
 *       was made under the old limit and says nothing of the new one.</li>
 *   <li>Such a cut also pauses the instance: it takes nothing new for 25 ms, twice as long as the
 *       last pause when the previous round failed too, up to 1 s; its next answer ends the pause and
 *       the run. A port that refuses does so in microseconds: without the pause, held requests would
 *       spin on it. Failures of the same round (a burst of connections beyond a full backlog, all timing
 *       out together) neither cut again nor lengthen the pause.</li>
 * </ol>
 *
 * <p>Latency does not lower the limit, as it does in Netflix's Gradient or Envoy's adaptive
 * concurrency. Those protect a server from the goodput collapse of overload; here a request over the
 * limit waits in the gateway instead of in the instance, which shortens nobody's wait, and the
 * autoscaler sizes on both alike. On a machine whose few cores the instance shares with the gateway
 * and the callers, a rising latency says as much about the neighbours as about the instance. What
 * loses requests is an instance that does not take a connection, and that is what the limit learns.
 *
 * <pre>{@code
 * AdaptiveLimit limit = new AdaptiveLimit(256, System.nanoTime());
 * if (inFlight < limit.limit() && !limit.pausedAt(System.nanoTime())) { ...claim, then: }
 * limit.connecting();                                    // asking for a connection to the instance
 * limit.connected();                                     // got one, or gave up: either way no longer waiting
 * limit.answered(inFlight);                              // the instance answered
 * limit.failed(System.nanoTime(), attemptStartedNanos);  // it refused, or did not accept in time
 * }</pre>
 */
final class AdaptiveLimit {

    static final int INITIAL = 4;
    static final long FIRST_PAUSE_NANOS = 25_000_000;
    static final long MAX_PAUSE_NANOS = 1_000_000_000;

    private final int max;
    private final AtomicInteger limit;
    private final AtomicInteger connecting = new AtomicInteger();
    private final AtomicInteger failedRounds = new AtomicInteger();
    private volatile long cutAt;
    private volatile long pausedUntil;

    /**
     * @param max the most it ever allows, at least 1
     * @param now when the instance was first seen
     */
    AdaptiveLimit(int max, long now) {
        if (max < 1) {
            throw new IllegalArgumentException("an adaptive limit needs a maximum of 1 or more, got " + max);
        }
        this.max = max;
        this.limit = new AtomicInteger(Math.min(INITIAL, max));
        this.cutAt = now;
    }

    /** Requests the instance may have in flight now. */
    int limit() {
        return limit.get();
    }

    /** True during the pause after a failed connection. Reads only volatile fields; the caller reads the clock only if {@link #pausing()}. */
    boolean pausedAt(long now) {
        return failedRounds.get() > 0 && now - pausedUntil < 0;
    }

    /** Whether a pause may be on: false is the usual answer, and then no clock needs reading. */
    boolean pausing() {
        return failedRounds.get() > 0;
    }

    /** A request asks for a connection to the instance (new or pooled). */
    void connecting() {
        connecting.incrementAndGet();
    }

    /** ...and has it, or gave up on it. */
    void connected() {
        connecting.decrementAndGet();
    }

    /** The instance answered a request; {@code inFlight} counts it and the others it has now. */
    void answered(int inFlight) {
        if (failedRounds.get() != 0) {
            failedRounds.set(0);
        }
        int current = limit.get();
        if (current < max && inFlight * 2 >= current && connecting.get() * 4 < current) {
            limit.compareAndSet(current, current + 1);  // lost to another answer: that one raised it
        }
    }

    /**
     * No connection to the instance could be had: refused, or not accepted in time.
     *
     * @param now when the failure was seen
     * @param attemptStarted when the failed attempt began
     * @return how long the instance still pauses, in nanoseconds: when to look at the queue again
     */
    long failed(long now, long attemptStarted) {
        if (attemptStarted - cutAt >= 0) {
            cutAt = now;
            limit.updateAndGet(l -> Math.max(1, l / 2));
            int run = failedRounds.get() + 1;
            pausedUntil = now + Math.min(MAX_PAUSE_NANOS, FIRST_PAUSE_NANOS << Math.min(run - 1, 16));
            failedRounds.incrementAndGet();  // after the pause: whoever sees the count sees the pause too
        }
        return failedRounds.get() > 0 ? Math.max(0, pausedUntil - now) : 0;
    }

    @Override
    public String toString() {
        return "limit " + limit.get() + (pausing() ? ", paused after " + failedRounds.get() + " failed round(s) in a row" : "");
    }
}
