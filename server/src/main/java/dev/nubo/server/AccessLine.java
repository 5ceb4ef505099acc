package dev.nubo.server;

import dev.nubo.gateway.AccessLog;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One line of a service's access log, as stored and as {@code nubo logs --access} prints it:
 * {@code TIME REVISION METHOD PATH STATUS 1.234ms in=BYTES out=BYTES id=REQUEST_ID client=ADDRESS}.
 * The time leads, as in instance logs, so {@link LogFilter}'s {@code since} and the tail's sort work
 * on both; every field is one word, so a line splits back into its fields ({@link #fields}).
 */
final class AccessLine {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    private AccessLine() {}

    static String format(AccessLog.Entry e) {
        // A request target cannot hold a space (the decoder splits the request line on them), but the
        // line must stay splittable whatever a future protocol lets through.
        String path = e.path().replace(" ", "%20");
        return TIME.format(Instant.ofEpochMilli(e.endMillis())) + " " + e.revision() + " " + e.method() + " " + path
                + " " + e.status() + " " + String.format(Locale.ROOT, "%.3fms", e.nanos() / 1e6)
                + " in=" + e.bytesIn() + " out=" + e.bytesOut() + " id=" + e.requestId() + " client=" + e.clientAddress();
    }

    /** The revision a stored line names (its second word). */
    static String revision(String line) {
        String[] parts = line.split(" ", 3);
        return parts.length > 1 ? parts[1] : "";
    }

    /**
     * A line as JSON fields: {@code time}, {@code revision}, {@code method}, {@code path},
     * {@code status}, {@code durationMs}, {@code bytesIn}, {@code bytesOut}, {@code requestId}, {@code client}.
     */
    static Map<String, Object> fields(String line) {
        String[] p = line.split(" ");
        Map<String, Object> out = new LinkedHashMap<>();
        if (p.length < 10) { // not one of ours (a file edited by hand): pass it on as text
            out.put("text", line);
            return out;
        }
        out.put("time", p[0]);
        out.put("revision", p[1]);
        out.put("method", p[2]);
        out.put("path", p[3]);
        out.put("status", Integer.parseInt(p[4]));
        out.put("durationMs", Double.parseDouble(p[5].substring(0, p[5].length() - 2)));
        out.put("bytesIn", Long.parseLong(p[6].substring("in=".length())));
        out.put("bytesOut", Long.parseLong(p[7].substring("out=".length())));
        out.put("requestId", p[8].substring("id=".length()));
        out.put("client", p[9].substring("client=".length()));
        return out;
    }
}
