package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Requests and failures over a sliding window, in ten slots each a tenth of it, stamped with the
 * period they count (as {@link MinuteCount}). Lock-free and allocation-free; a count racing a slot's
 * reset may be lost, which a ratio over many requests can afford.
 */
final class FailureWindow {

    private static final int SLOTS = 10;

    private final long slotNanos;
    private final long origin;
    private final AtomicLongArray totals = new AtomicLongArray(SLOTS);
    private final AtomicLongArray failures = new AtomicLongArray(SLOTS);
    private final AtomicLongArray periods = new AtomicLongArray(SLOTS);

    FailureWindow(long windowNanos, long now) {
        this.slotNanos = Math.max(1, windowNanos / SLOTS);
        this.origin = now;
        clear(now);
    }

    void add(boolean failed, long now) {
        long period = Math.floorDiv(now - origin, slotNanos);
        int slot = (int) Math.floorMod(period, SLOTS);
        long seen = periods.get(slot);
        if (seen != period && periods.compareAndSet(slot, seen, period)) {
            totals.set(slot, 0);
            failures.set(slot, 0);
        }
        totals.incrementAndGet(slot);
        if (failed) {
            failures.incrementAndGet(slot);
        }
    }

    long total(long now) {
        return sum(totals, now);
    }

    long failures(long now) {
        return sum(failures, now);
    }

    /** Forgets everything: a closed breaker starts counting afresh. */
    void clear(long now) {
        for (int i = 0; i < SLOTS; i++) {
            periods.set(i, Long.MIN_VALUE / 2);
        }
    }

    private long sum(AtomicLongArray counts, long now) {
        long period = Math.floorDiv(now - origin, slotNanos);
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            long p = periods.get(i);
            if (p > period - SLOTS && p <= period) {
                sum += counts.get(i);
            }
        }
        return sum;
    }
}
