package dev.nubo.gateway;

import java.time.Duration;
import java.time.Instant;

/**
 * A new instance's slow start ({@code scale.warmup} in nubo.yaml): for {@code period} after it became
 * ready it gets a share of its revision's traffic that grows in proportion to the time gone, from
 * {@link #FLOOR} to all of its share, so that a cold JVM is not flooded the moment it answers. The
 * gateway skips it for a request with the probability of the part not yet ramped up, as long as
 * another instance has room; when none has, it serves anyway (a held request is worse than a slow one).
 *
 * <pre>{@code
 * Warmup w = new Warmup(readyAt, Duration.ofSeconds(30));
 * w.weight(readyAt.plusSeconds(15).toEpochMilli());   // 0.5
 * }</pre>
 */
public record Warmup(Instant from, Duration period) {

    /** No ramp: the instance gets its whole share at once. */
    public static final Warmup NONE = new Warmup(Instant.EPOCH, Duration.ZERO);

    /** The least share a warming instance gets, so that it warms at all while the others have room (Envoy's default too). */
    static final double FLOOR = 0.1;

    public Warmup {
        if (period.isNegative()) {
            throw new IllegalArgumentException("a warmup period cannot be negative (got " + period + ")");
        }
    }

    /** Whether there is a ramp at all. */
    public boolean ramps() {
        return !period.isZero();
    }

    /** The part of its share the instance gets at {@code nowMillis}: {@link #FLOOR} at first, 1 once {@code period} has passed. */
    double weight(long nowMillis) {
        if (!ramps()) {
            return 1;
        }
        double done = (nowMillis - from.toEpochMilli()) / (double) period.toMillis();
        return Math.max(FLOOR, Math.min(1, done));
    }
}
