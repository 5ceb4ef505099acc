package dev.nubo.gateway;

import dev.nubo.model.TraceIds;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context ({@code traceparent}) as the gateway passes it on. The gateway is a hop in the
 * trace, so the upstream gets the caller's trace id and flags but a parent span id of its own; a
 * missing or malformed header starts a new, sampled trace. Parsing is by position, not by regex,
 * because it runs on every request.
 */
final class TraceParent {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceParent() {}

    /** The {@code traceparent} to send upstream, given what the caller sent (null when absent). */
    static String forUpstream(String incoming) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (incoming != null && TraceIds.isTraceparent(incoming)) {
            return "00-" + incoming.substring(3, 35) + "-" + spanId(random) + "-" + incoming.substring(53, 55);
        }
        return "00-" + hex(nonZero(random), 16) + hex(random.nextLong(), 16) + "-" + spanId(random) + "-01";
    }

    private static String spanId(ThreadLocalRandom random) {
        return hex(nonZero(random), 16);
    }

    private static long nonZero(ThreadLocalRandom random) {
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        return v;
    }

    static String hex(long value, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return new String(out);
    }
}
