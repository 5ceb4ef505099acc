package dev.nubo.tracing;

import java.util.Map;
import java.util.Optional;

/**
 * One span of a trace as Nubo keeps it: ids as lowercase hex (32 and 16 digits), times in nanoseconds since
 * the epoch. Plain data, so spans can be made off the request path, kept in {@link TraceRing} and turned
 * into OpenTelemetry's form only when exported.
 *
 * @param parentId the parent span's id; empty for the root of what Nubo saw (the caller's span may be the real parent)
 * @param service the Nubo service the span belongs to; empty when the request never reached one
 * @param error whether the span ended in error (a 5xx, a timeout, a failed delivery)
 */
public record Span(String traceId, String spanId, Optional<String> parentId, String name, Kind kind, String service,
                   long startEpochNanos, long endEpochNanos, boolean error, Map<String, String> attributes) {

    /** As OpenTelemetry's span kinds: SERVER for a request received, CLIENT for one sent, INTERNAL for a stretch inside. */
    public enum Kind { SERVER, CLIENT, INTERNAL, PRODUCER, CONSUMER }

    public Span {
        attributes = Map.copyOf(attributes);
    }

    public long durationNanos() {
        return endEpochNanos - startEpochNanos;
    }
}
