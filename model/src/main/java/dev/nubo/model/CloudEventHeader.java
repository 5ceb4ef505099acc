package dev.nubo.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP binding's encoding of a CloudEvent attribute in a {@code ce-*} header, said once for the
 * broker's ingest and deliveries ({@code events}). The Lambda runtimes' envelope decodes the same way
 * in {@code lambda-http}, which the Java host can carry and this module it cannot.
 */
public final class CloudEventHeader {

    private CloudEventHeader() {}

    /**
     * A {@code ce-*} header value as the HTTP binding (3.1.3.2) writes it: space, {@code "}, {@code %}
     * and every character outside printable ASCII percent-encoded as UTF-8 bytes, so that
     * {@code €5} travels as {@code %E2%82%AC5} and {@code 100%41} as {@code 100%2541}.
     */
    public static String encode(String value) {
        StringBuilder out = null;
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b > 0x20 && b < 0x7f && b != '"' && b != '%';
            if (!plain && out == null) {
                out = new StringBuilder(bytes.length + 16).append(new String(bytes, 0, i, StandardCharsets.US_ASCII));
            }
            if (out != null) {
                if (plain) {
                    out.append((char) b);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
        }
        return out == null ? value : out.toString();
    }

    /** The binding's decoding: each {@code %XX} is a byte of UTF-8; a {@code %} not followed by two hex digits stays. */
    public static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int high = bytes[i] == '%' && i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int low = high < 0 ? -1 : Character.digit(bytes[i + 2], 16);
            if (low >= 0) {
                out.write(high << 4 | low);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
