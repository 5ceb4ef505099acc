package dev.nubo.gateway;

import dev.nubo.model.Resilience;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether one instance is out of picking for failing ({@code resilience.outliers}): after
 * {@code failures} failed requests in a row it is ejected for {@code ejectFor}, and each ejection that
 * follows without a success in between lasts twice as long as the one before (up to 32 times, at most
 * an hour). Its first success after returning ends the run. It lives with the instance's slots, so
 * across route tables.
 *
 * <p>Picking reads one volatile boolean; the clock only while an ejection may be on.
 */
final class Ejection {

    private static final long MAX_NANOS = java.time.Duration.ofHours(1).toNanos();

    private final AtomicInteger inARow = new AtomicInteger();
    private volatile boolean ejected;        // an ejection was decided; whether it still runs needs the clock
    private volatile long until;
    private volatile int times;              // ejections since the instance last succeeded

    /** Whether the instance is out of picking at {@code now}. */
    boolean out(long now) {
        return ejected && now - until < 0;
    }

    /** Whether an ejection may be on: false is the usual answer, and then no clock needs reading. */
    boolean mayBeOut() {
        return ejected;
    }

    /** Ejections since the instance last succeeded; 0 when it serves normally. */
    int times() {
        return times;
    }

    /** Nanoseconds the ejection still runs at {@code now}; 0 when the instance is in. */
    long leftNanos(long now) {
        return out(now) ? until - now : 0;
    }

    /**
     * A request to the instance ended. True when this failure ejects it; {@code othersServe} is asked
     * only then, and false keeps the instance in: the last one serving is never ejected.
     */
    boolean record(boolean failed, Resilience.Outliers rule, long now, java.util.function.BooleanSupplier othersServe) {
        if (!failed) {
            if (inARow.get() != 0) {
                inARow.set(0);
            }
            if (ejected && !out(now)) {
                ejected = false;
                times = 0;
            }
            return false;
        }
        if (inARow.incrementAndGet() < rule.failures() || out(now)) {
            return false;
        }
        synchronized (this) {
            if (out(now) || !othersServe.getAsBoolean()) {
                return false;
            }
            inARow.set(0);
            long length = rule.ejectFor().toNanos() << Math.min(times, 5);
            until = now + Math.min(MAX_NANOS, length);
            times = times + 1;
            ejected = true;
            return true;
        }
    }
}
