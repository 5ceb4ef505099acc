package dev.nubo.runtimeapi;

import dev.nubo.model.TraceIds;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The {@code Lambda-Runtime-Trace-Id} a runtime gets: an X-Ray trace header
 * {@code Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx;Parent=xxxxxxxxxxxxxxxx;Sampled=N}. X-Ray's root is the
 * W3C trace id cut after its first 8 hex digits (X-Ray reads those as the epoch seconds; a W3C id need
 * not, which X-Ray tolerates), so the caller's {@code traceparent} carries over one to one: same trace id,
 * its parent span, its sampled flag. Without a valid {@code traceparent} a new, unsampled trace starts.
 */
final class XRayTrace {

    private static final HexFormat HEX = HexFormat.of();

    private XRayTrace() {}

    static String from(String traceparent, long nowMillis, RandomGenerator random) {
        if (traceparent != null && TraceIds.isTraceparent(traceparent)) {
            String traceId = traceparent.substring(3, 35);
            boolean sampled = (Character.digit(traceparent.charAt(54), 16) & 1) == 1;
            return header(traceId, traceparent.substring(36, 52), sampled);
        }
        String traceId = HEX.toHexDigits((int) (nowMillis / 1000)) + HEX.toHexDigits(random.nextInt())
                + HEX.toHexDigits(random.nextLong() | 1);
        return header(traceId, HEX.toHexDigits(random.nextLong() | 1), false);
    }

    private static String header(String traceId, String parent, boolean sampled) {
        return "Root=1-" + traceId.substring(0, 8) + "-" + traceId.substring(8) + ";Parent=" + parent + ";Sampled="
                + (sampled ? "1" : "0");
    }
}
