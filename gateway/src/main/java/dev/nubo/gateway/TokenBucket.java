package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket of {@code burst} tokens refilled at {@code perSecond}, kept as one number: the
 * generic cell rate algorithm's "theoretical arrival time" (ATM's GCRA, as in redis-cell). Taking a
 * token moves that time on by one interval; a request is refused when it would move it more than
 * {@code burst} intervals past now. This is exactly a token bucket's behaviour, but its whole state is
 * one {@link AtomicLong}, so a check is one compare-and-set and allocates nothing: it runs for every
 * request of a limited service, on every event loop at once.
 *
 * <p>Times are {@link System#nanoTime()} values handed in by the caller, so tests pass their own.
 */
final class TokenBucket {

    private final long interval;   // nanos per token
    private final long tolerance;  // how far ahead of now the arrival time may run: burst intervals
    private final AtomicLong arrival;

    TokenBucket(double perSecond, int burst, long now) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a rate above 0 and a burst of at least 1 (got "
                    + perSecond + "/s, burst " + burst + ")");
        }
        this.interval = Math.max(1, Math.round(1e9 / perSecond));
        long tolerance;
        try {
            tolerance = Math.multiplyExact(interval, burst);
        } catch (ArithmeticException e) {
            tolerance = Long.MAX_VALUE / 4;  // a rate of a few per hour with a huge burst: never refused by the burst
        }
        this.tolerance = tolerance;
        this.arrival = new AtomicLong(now);
    }

    /** Takes a token: 0 when there was one, else the nanoseconds until there will be (nothing taken). */
    long take(long now) {
        while (true) {
            long current = arrival.get();
            long from = current - now < 0 ? now : current;   // an idle bucket is full: it does not bank time
            long next = from + interval;
            long ahead = next - now;
            if (ahead > tolerance) {
                return ahead - tolerance;
            }
            if (arrival.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    /** True when the bucket is full at {@code now}: nobody has taken a token for a whole refill. */
    boolean full(long now) {
        return arrival.get() - now <= 0;
    }
}
