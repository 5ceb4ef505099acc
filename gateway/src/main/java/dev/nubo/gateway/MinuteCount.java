package dev.nubo.gateway;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many times something happened in about the last minute, and in all: six slots of ten seconds,
 * each stamped with the ten-second period it counts. Lock-free and allocation-free, for counting
 * refusals on the request path. A slot is reset by the first count of a new period; a count racing
 * that reset may be lost, which a figure for people to read can afford.
 */
final class MinuteCount {

    private static final long SLOT = TimeUnit.SECONDS.toNanos(10);
    private static final int SLOTS = 6;

    private final AtomicLongArray counts = new AtomicLongArray(SLOTS);
    private final AtomicLongArray periods = new AtomicLongArray(SLOTS);
    private final AtomicLong total = new AtomicLong();
    private final long origin;   // nanoTime values may be negative; periods count from here

    MinuteCount(long now) {
        this.origin = now;
        for (int i = 0; i < SLOTS; i++) {
            periods.set(i, -SLOTS);
        }
    }

    void add(long now) {
        long period = Math.floorDiv(now - origin, SLOT);
        int slot = (int) Math.floorMod(period, SLOTS);
        long seen = periods.get(slot);
        if (seen != period && periods.compareAndSet(slot, seen, period)) {
            counts.set(slot, 0);
        }
        counts.incrementAndGet(slot);
        total.incrementAndGet();
    }

    /** The count over the current ten-second period and the five before it. */
    long lastMinute(long now) {
        long period = Math.floorDiv(now - origin, SLOT);
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            long p = periods.get(i);
            if (p > period - SLOTS && p <= period) {
                sum += counts.get(i);
            }
        }
        return sum;
    }

    long total() {
        return total.get();
    }
}
