package dev.nubo.gateway;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many times something happened in about the last minute, and in all: six slots of ten seconds
 * ({@link SlidingCounts}). Lock-free and allocation-free, for counting refusals on the request path.
 */
final class MinuteCount {

    private final SlidingCounts counts;
    private final AtomicLong total = new AtomicLong();

    MinuteCount(long now) {
        this.counts = new SlidingCounts(6, TimeUnit.SECONDS.toNanos(10), 1, now);
    }

    void add(long now) {
        counts.add(0, now);
        total.incrementAndGet();
    }

    /** The count over the current ten-second period and the five before it. */
    long lastMinute(long now) {
        return counts.sum(0, now);
    }

    long total() {
        return total.get();
    }
}
