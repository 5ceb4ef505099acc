package dev.nubo.workflows;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * One entry of a state's {@code Retry}: for the errors it names, up to {@code maxAttempts} retries, the
 * n-th (from 0) after {@code intervalSeconds × backoffRate^n}, at most {@code maxDelaySeconds}.
 */
record Retrier(List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate, OptionalInt maxDelaySeconds) {

    static final int DEFAULT_INTERVAL = 1;
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final double DEFAULT_BACKOFF = 2.0;

    /** How long to wait before retry number {@code retried + 1}, having retried {@code retried} times already. */
    Duration delay(int retried) {
        double seconds = intervalSeconds * Math.pow(backoffRate, retried);
        if (maxDelaySeconds.isPresent()) {
            seconds = Math.min(seconds, maxDelaySeconds.getAsInt());
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
