package dev.nubo.autoscaler;

import java.time.Duration;

/**
 * How one revision scales: the bounds, the load one instance should carry, and how fast to react. All of it in one place.
 *
 * <table>
 *   <caption>Autoscaling settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>min</td><td>(required)</td><td>fewest instances, applied always; 0 lets an idle revision scale to zero,
 *       a positive count keeps that many warm</td></tr>
 *   <tr><td>max</td><td>(required)</td><td>most instances; at least 1 and at least min</td></tr>
 *   <tr><td>target</td><td>(required)</td><td>concurrent requests one instance should carry (in flight plus held in the
 *       gateway); must be positive, may be fractional</td></tr>
 *   <tr><td>stableWindow</td><td>(required)</td><td>the averaging window for normal sizing, and how long a panic lasts
 *       after demand last outran the ready instances</td></tr>
 *   <tr><td>panicWindow</td><td>10% of stableWindow, at least 1s (at most stableWindow)</td><td>the short window
 *       that detects bursts; positive and no longer than stableWindow</td></tr>
 *   <tr><td>panicThreshold</td><td>2.0</td><td>panic when the panic window's load reaches this multiple of what the
 *       ready instances should carry; above 1</td></tr>
 *   <tr><td>idle</td><td>(required)</td><td>with no request at all for this long the revision scales to zero
 *       (or to min); positive</td></tr>
 *   <tr><td>maxScaleDownRate</td><td>2.0</td><td>one scale-down keeps at least current / this many instances;
 *       above 1 (2.0 halves at most)</td></tr>
 *   <tr><td>scaleDownDelay</td><td>2s</td><td>least time between two scale-downs; 0 or more</td></tr>
 * </table>
 *
 * <pre>{@code
 * ScalePolicy policy = ScalePolicy.of(0, 10, 100, Duration.ofSeconds(60), Duration.ofMinutes(5));
 * }</pre>
 */
public record ScalePolicy(int min, int max, double target, Duration stableWindow, Duration panicWindow,
                          double panicThreshold, Duration idle, double maxScaleDownRate, Duration scaleDownDelay) {

    static final double DEFAULT_PANIC_THRESHOLD = 2.0;
    static final double DEFAULT_MAX_SCALE_DOWN_RATE = 2.0;
    static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(2);

    public ScalePolicy {
        if (min < 0) {
            throw invalid("min " + min + " must be 0 or more; use 0 to scale to zero when idle, or a positive count to keep instances warm");
        }
        if (max < 1) {
            throw invalid("max " + max + " must be 1 or more, or the revision could never serve; use min 0 to let it scale to zero");
        }
        if (max < min) {
            throw invalid("max " + max + " is below min " + min + "; raise max to " + min + " or lower min");
        }
        if (!(target > 0) || !Double.isFinite(target)) {
            throw invalid("target " + Format.target(target)
                    + " must be a positive number of concurrent requests per instance; use e.g. 100, or 1 for one request at a time");
        }
        positive("stableWindow", stableWindow, "60s");
        positive("panicWindow", panicWindow, "6s");
        if (panicWindow.compareTo(stableWindow) > 0) {
            throw invalid("panicWindow " + Format.duration(panicWindow) + " is longer than stableWindow " + Format.duration(stableWindow)
                    + "; the panic window catches bursts the stable window smooths over, use about a tenth of it");
        }
        if (!(panicThreshold > 1) || !Double.isFinite(panicThreshold)) {
            throw invalid("panicThreshold " + Format.target(panicThreshold)
                    + " must be above 1, or the revision would panic under the load it is sized for; use e.g. 2.0");
        }
        positive("idle", idle, "5m");
        if (!(maxScaleDownRate > 1) || !Double.isFinite(maxScaleDownRate)) {
            throw invalid("maxScaleDownRate " + Format.target(maxScaleDownRate)
                    + " must be above 1, or the revision could never scale down; use e.g. 2.0 to at most halve at once");
        }
        if (scaleDownDelay == null || scaleDownDelay.isNegative()) {
            throw invalid("scaleDownDelay " + (scaleDownDelay == null ? "null" : Format.duration(scaleDownDelay))
                    + " must be 0 or more; use e.g. 2s, or 0 to scale down on every decision");
        }
    }

    /**
     * A policy with the defaults above for the panic window, panic threshold, scale-down rate and scale-down delay.
     *
     * @throws IllegalArgumentException naming the setting, its value and the fix, if one is out of range
     */
    public static ScalePolicy of(int min, int max, double target, Duration stableWindow, Duration idle) {
        positive("stableWindow", stableWindow, "60s");
        Duration panicWindow = stableWindow.dividedBy(10);
        if (panicWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            // Samples come every ~100ms: a panic window under a second would average a handful of them and panic on noise.
            panicWindow = Duration.ofSeconds(1);
        }
        if (panicWindow.compareTo(stableWindow) > 0) {
            panicWindow = stableWindow;
        }
        return new ScalePolicy(min, max, target, stableWindow, panicWindow, DEFAULT_PANIC_THRESHOLD, idle,
                DEFAULT_MAX_SCALE_DOWN_RATE, DEFAULT_SCALE_DOWN_DELAY);
    }

    private static void positive(String key, Duration value, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(key + " " + (value == null ? "null" : Format.duration(value)) + " must be positive; use e.g. " + example);
        }
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException("autoscaling " + message);
    }
}
