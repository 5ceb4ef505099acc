package dev.nubo.events;

import dev.nubo.model.TraceIds;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The trace context of one delivery attempt: a child of the {@code traceparent} the event (or invocation)
 * came with, or the root of a new trace. When that traceparent says "not sampled" (flags 00) the attempt
 * makes no span and passes the traceparent on unchanged, as W3C trace context asks.
 */
record AttemptContext(String traceId, String spanId, Optional<String> parentSpanId, boolean sampled, String incoming, Instant start) {

    private static final HexFormat HEX = HexFormat.of();

    static AttemptContext of(String incoming, RandomGenerator random, Instant start) {
        String spanId = id(random);
        if (!TraceIds.isTraceparent(incoming)) {
            return new AttemptContext(id(random) + id(random), spanId, Optional.empty(), true, "", start);
        }
        boolean sampled = (Character.digit(incoming.charAt(54), 16) & 1) == 1;
        return new AttemptContext(incoming.substring(3, 35), spanId, Optional.of(incoming.substring(36, 52)), sampled, incoming, start);
    }

    /** What the attempt sends on in its {@code traceparent} header. */
    String traceparent() {
        return sampled ? "00-" + traceId + "-" + spanId + "-01" : incoming;
    }

    private static String id(RandomGenerator random) {
        long id = random.nextLong();
        return HEX.toHexDigits(id == 0 ? 1 : id);
    }
}
