package dev.nubo.gateway;

/**
 * Requests and failures over a sliding window, in ten slots each a tenth of it ({@link SlidingCounts}).
 * Lock-free and allocation-free; a count racing a slot's reset may be lost, which a ratio over many
 * requests can afford.
 */
final class FailureWindow {

    private static final int TOTAL = 0;
    private static final int FAILED = 1;

    private final SlidingCounts counts;

    FailureWindow(long windowNanos, long now) {
        this.counts = new SlidingCounts(10, windowNanos / 10, 2, now);
    }

    void add(boolean failed, long now) {
        counts.add(TOTAL, now);
        if (failed) {
            counts.add(FAILED, now);
        }
    }

    long total(long now) {
        return counts.sum(TOTAL, now);
    }

    long failures(long now) {
        return counts.sum(FAILED, now);
    }

    /** Forgets everything: a closed breaker starts counting afresh. */
    void clear() {
        counts.clear();
    }
}
