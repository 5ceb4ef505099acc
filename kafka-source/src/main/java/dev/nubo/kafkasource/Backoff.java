package dev.nubo.kafkasource;

import java.time.Duration;

/**
 * How long a {@link KafkaSource} waits before trying again: {@code initial} after the first failure,
 * doubling per further consecutive failure, never more than {@code max}. A pure function, so it is tested
 * without waiting.
 */
record Backoff(Duration initial, Duration max) {

    /** 1 s, 2 s, 4 s, ... 30 s: quick to recover from a blip, gentle on a sink that is down for minutes. */
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max; was " + initial + ", " + max);
        }
    }

    /** The wait after {@code failures} consecutive failures (1 or more). */
    Duration after(int failures) {
        Duration delay = initial;
        for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) < 0 ? delay : max;
    }
}
