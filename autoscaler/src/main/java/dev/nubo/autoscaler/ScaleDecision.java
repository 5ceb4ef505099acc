package dev.nubo.autoscaler;

/**
 * What {@link Autoscaler#decide} concluded: how many instances the revision should have, in which mode, on which
 * averages, and why in words.
 *
 * @param desired            instances the revision should have, already clamped to the policy's [min, max]
 * @param mode               which rule decided, see {@link Mode}
 * @param stableConcurrency  mean concurrency over the stable window
 * @param panicConcurrency   mean concurrency over the panic window
 * @param reason             one line for people, shown by {@code nubo describe}, e.g. "2 → 5 instances: burst mode
 *                           (no scale-down within 1m of a burst), 48 requests in flight on average, target 10 per
 *                           instance", "0 → 1 instance: cold start, 1 request waiting, target 100 per instance",
 *                           "1 → 0 instances: idle for 30s" or "steady at 2 instances: 14.2 requests in flight on
 *                           average, target 10 per instance"
 */
public record ScaleDecision(int desired, Mode mode, double stableConcurrency, double panicConcurrency, String reason) {

    /** Which rule of {@link Autoscaler} decided. */
    public enum Mode {
        /** Sized on the stable window's average; scale-down is rate limited. */
        STABLE,
        /** Demand outran the ready instances: sized on the panic window, never scaling down until the panic ends. */
        PANIC,
        /** No request for the policy's idle period: scaled to zero (or to min). */
        IDLE
    }

    public ScaleDecision {
        if (desired < 0) {
            throw new IllegalArgumentException("desired instances " + desired + " must be 0 or more");
        }
        if (mode == null || reason == null) {
            throw new IllegalArgumentException("a scale decision needs a mode and a reason, got " + mode + " and " + reason);
        }
    }

    /** Whether acting on this decision would start or stop instances, given how many are alive now. */
    public boolean changes(int current) {
        return desired != current;
    }
}
