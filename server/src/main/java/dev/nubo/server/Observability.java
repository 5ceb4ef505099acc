package dev.nubo.server;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The server's observability settings, one component of {@link ServerConfig}.
 *
 * @param meters whether the gateway measures each request for {@code GET /metrics}, metering and alerts
 * @param alertEvery how often alert rules are evaluated: their figures are computed over this stretch
 * @param otlp the OTLP/HTTP collector traces are exported to ({@code --otlp-endpoint}); none: traces are only kept in memory
 * @param logRetention how long instance and access logs are kept after their last line ({@link LogRetention});
 *                     zero keeps them until the size limits drop them
 * @param otlpSample the share of traces exported over OTLP ({@code --otlp-sample}, 1.0 by default); all are kept for {@code nubo trace}
 */
public record Observability(boolean meters, Duration alertEvery, Optional<URI> otlp, Duration logRetention, double otlpSample) {

    public static final Duration DEFAULT_ALERT_EVERY = Duration.ofSeconds(15);
    public static final Duration DEFAULT_LOG_RETENTION = Duration.ofDays(7);

    public Observability {
        if (alertEvery.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("alertEvery must be at least 100ms (got " + alertEvery.toMillis() + "ms)");
        }
        if (logRetention.isNegative() || (!logRetention.isZero() && logRetention.compareTo(Duration.ofMinutes(1)) < 0)) {
            throw new IllegalArgumentException("logRetention must be 0 (off) or at least 1m (got " + logRetention + ")");
        }
        if (!(otlpSample > 0 && otlpSample <= 1)) {
            throw new IllegalArgumentException("otlpSample must be above 0 and at most 1, such as 0.1 (got " + otlpSample + ")");
        }
    }

    public Observability(boolean meters, Duration alertEvery) {
        this(meters, alertEvery, Optional.empty(), DEFAULT_LOG_RETENTION, 1.0);
    }

    static Observability defaults() {
        return new Observability(true, DEFAULT_ALERT_EVERY);
    }
}
