package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts over a sliding window: a ring of slots, each stamped with the period it counts and holding
 * one count per lane (requests and failures, say). Lock-free and allocation-free, for counting on the
 * request path. A slot is reset by the first count of a new period; a count racing that reset may be
 * lost, which a figure for people or a ratio over many requests can afford.
 */
final class SlidingCounts {

    private static final long NEVER = Long.MIN_VALUE / 2;

    private final int slots;
    private final int lanes;
    private final long slotNanos;
    private final long origin;   // nanoTime values may be negative; periods count from here
    private final AtomicLongArray periods;
    private final AtomicLongArray counts;

    SlidingCounts(int slots, long slotNanos, int lanes, long now) {
        this.slots = slots;
        this.lanes = lanes;
        this.slotNanos = Math.max(1, slotNanos);
        this.origin = now;
        this.periods = new AtomicLongArray(slots);
        this.counts = new AtomicLongArray(slots * lanes);
        clear();
    }

    /** Adds one to {@code lane} in the slot of {@code now}, resetting the slot first if it last counted an older period. */
    void add(int lane, long now) {
        long period = Math.floorDiv(now - origin, slotNanos);
        int slot = (int) Math.floorMod(period, slots);
        long seen = periods.get(slot);
        if (seen != period && periods.compareAndSet(slot, seen, period)) {
            for (int l = 0; l < lanes; l++) {
                counts.set(slot * lanes + l, 0);
            }
        }
        counts.incrementAndGet(slot * lanes + lane);
    }

    /** {@code lane}'s count over the slot of {@code now} and the ones before it that are still in the window. */
    long sum(int lane, long now) {
        long period = Math.floorDiv(now - origin, slotNanos);
        long sum = 0;
        for (int i = 0; i < slots; i++) {
            long p = periods.get(i);
            if (p > period - slots && p <= period) {
                sum += counts.get(i * lanes + lane);
            }
        }
        return sum;
    }

    /** Forgets every count. */
    void clear() {
        for (int i = 0; i < slots; i++) {
            periods.set(i, NEVER);
        }
    }
}
