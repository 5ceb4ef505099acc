package dev.nubo.workflows;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** How a run waits for a time: asleep on the real clock, or, in tests, by moving a manual clock. */
interface Pause {

    void until(Instant deadline) throws InterruptedException;

    static Pause on(InstantSource clock) {
        return deadline -> {
            for (Duration left = Duration.between(clock.instant(), deadline); left.isPositive();
                    left = Duration.between(clock.instant(), deadline)) {
                Thread.sleep(left);
            }
        };
    }
}
