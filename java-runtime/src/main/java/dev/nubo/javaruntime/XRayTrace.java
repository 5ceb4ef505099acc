package dev.nubo.javaruntime;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An invocation's X-Ray trace header, {@code Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx;Parent=xxxxxxxxxxxxxxxx;Sampled=N},
 * from the W3C {@code traceparent} the gateway sends: the same trace id (cut after its first 8 hex
 * digits, which X-Ray reads as epoch seconds), its parent span and its sampled flag, so a Lambda
 * function's X-Ray-aware code joins the request's trace. Without a valid {@code traceparent} a new,
 * unsampled trace starts. The same mapping as the Runtime API bridge's for custom runtimes (a copy:
 * the host keeps to its few jars).
 */
final class XRayTrace {

    private static final HexFormat HEX = HexFormat.of();

    private XRayTrace() {}

    static String from(Optional<String> traceparent, Instant now) {
        if (traceparent.isPresent() && isTraceparent(traceparent.get())) {
            String t = traceparent.get();
            boolean sampled = (Character.digit(t.charAt(54), 16) & 1) == 1;
            return header(t.substring(3, 35), t.substring(36, 52), sampled);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String traceId = HEX.toHexDigits((int) now.getEpochSecond()) + HEX.toHexDigits(random.nextInt())
                + HEX.toHexDigits(random.nextLong() | 1);
        return header(traceId, HEX.toHexDigits(random.nextLong() | 1), false);
    }

    /** {@code 00-<32 hex>-<16 hex>-<2 hex>}, ids not all zero. */
    private static boolean isTraceparent(String value) {
        if (value.length() != 55 || !value.startsWith("00-") || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return false;
        }
        for (int i = 3; i < 55; i++) {
            if (i != 35 && i != 52 && Character.digit(value.charAt(i), 16) < 0) {
                return false;
            }
        }
        return !value.substring(3, 35).matches("0+") && !value.substring(36, 52).matches("0+");
    }

    private static String header(String traceId, String parent, boolean sampled) {
        return "Root=1-" + traceId.substring(0, 8) + "-" + traceId.substring(8) + ";Parent=" + parent + ";Sampled="
                + (sampled ? "1" : "0");
    }
}
