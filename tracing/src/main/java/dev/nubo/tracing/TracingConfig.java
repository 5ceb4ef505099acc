package dev.nubo.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link Tracing} runs.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>otlp</td><td>none</td><td>the OTLP/HTTP collector's base URL ({@code http://host:4318}); spans go to its
 *       {@code /v1/traces} as protobuf. None: spans are only kept in memory</td></tr>
 *   <tr><td>maxSpans</td><td>20,000</td><td>spans kept for {@code nubo trace}; the oldest traces go whole beyond it
 *       (a span is about 500 bytes with its strings, so about 10 MB)</td></tr>
 *   <tr><td>maxPending</td><td>16,384</td><td>exchanges and spans queued for the background thread; beyond it they are dropped</td></tr>
 *   <tr><td>every</td><td>500ms</td><td>how often queued spans are made, kept and exported</td></tr>
 *   <tr><td>exportRatio</td><td>1.0</td><td>the share of traces exported over OTLP, chosen by trace id as OpenTelemetry's
 *       {@code TraceIdRatioBased} sampler does (so a trace goes whole, and the same traces as an app sampling at that ratio);
 *       {@code nubo trace} keeps every trace either way</td></tr>
 * </table>
 */
public record TracingConfig(Optional<URI> otlp, int maxSpans, int maxPending, Duration every, double exportRatio) {

    public TracingConfig {
        otlp.ifPresent(uri -> {
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("the OTLP endpoint must be an http or https URL such as http://127.0.0.1:4318 (got '"
                        + uri + "')");
            }
        });
        if (every.toMillis() < 1) {
            throw new IllegalArgumentException("every must be at least 1ms (got " + every + ")");
        }
        if (!(exportRatio > 0 && exportRatio <= 1)) {
            throw new IllegalArgumentException("the OTLP export ratio must be above 0 and at most 1, such as 0.1 for one trace in ten (got "
                    + exportRatio + ")");
        }
        if (maxSpans < 1 || maxPending < 1) {
            throw new IllegalArgumentException("maxSpans and maxPending must be at least 1 (got " + maxSpans + ", " + maxPending + ")");
        }
    }

    public static TracingConfig defaults() {
        return new TracingConfig(Optional.empty(), 20_000, 16_384, Duration.ofMillis(500), 1.0);
    }

    public TracingConfig(Optional<URI> otlp, int maxSpans, int maxPending, Duration every) {
        this(otlp, maxSpans, maxPending, every, 1.0);
    }

    public TracingConfig withOtlp(URI endpoint) {
        return new TracingConfig(Optional.of(endpoint), maxSpans, maxPending, every, exportRatio);
    }

    public TracingConfig withEvery(Duration every) {
        return new TracingConfig(otlp, maxSpans, maxPending, every, exportRatio);
    }

    public TracingConfig withMaxSpans(int spans) {
        return new TracingConfig(otlp, spans, maxPending, every, exportRatio);
    }

    /** Exporting {@code ratio} of traces (0.1: one in ten); the rest are kept for {@code nubo trace} only. */
    public TracingConfig withExportRatio(double ratio) {
        return new TracingConfig(otlp, maxSpans, maxPending, every, ratio);
    }

    /**
     * Whether the trace is exported: its id's last 16 hex digits, as a long, below the ratio's share of the longs,
     * exactly as OpenTelemetry's {@code TraceIdRatioBased} sampler decides.
     */
    boolean exports(String traceId) {
        if (exportRatio >= 1.0) {
            return true;
        }
        long random = Long.parseUnsignedLong(traceId, 16, 32, 16);
        return Math.abs(random) < (long) (exportRatio * Long.MAX_VALUE);
    }
}
