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

    /** The {@code traceparent} to send upstream, given what the caller sent (null when absent). One string, built in place. */
    static String forUpstream(String incoming) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[55];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        if (incoming != null && TraceIds.isTraceparent(incoming)) {
            incoming.getChars(3, 35, out, 3);
            out[53] = incoming.charAt(53);
            out[54] = incoming.charAt(54);
        } else {
            hex(nonZero(random), out, 3);
            hex(random.nextLong(), out, 19);
            out[53] = '0';
            out[54] = '1';
        }
        out[35] = '-';
        hex(nonZero(random), out, 36);
        out[52] = '-';
        return new String(out);
    }

    private static long nonZero(ThreadLocalRandom random) {
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        return v;
    }

    /** Writes {@code value} as 16 lowercase hex digits at {@code at}. */
    static void hex(long value, char[] out, int at) {
        for (int i = at + 15; i >= at; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
