package dev.nubo.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway requires of a request head before it forwards any of it. The gateway writes
 * the head out again for the instance, so whatever it lets through, the instance parses too, and
 * two parsers that frame a message differently are how requests get smuggled: an instance that
 * stops reading headers at {@code X Foo: bar} (Python's http.server does) never sees the
 * {@code Content-Length} after it and reads the body as the next request on a pooled connection,
 * whose answer then goes to another caller.
 *
 * <p>The gateway's decoder validates no header syntax (Netty would check names and values in a
 * pass of its own per header, and never the rest), so the gateway checks everything here, in one
 * pass over the head:
 * <ul>
 *   <li>every header name is a token (RFC 9110 section 5.6.2), so not empty and without spaces, and
 *       every value is free of control characters other than tab (NUL, a bare CR, DEL);
 *   <li>exactly one {@code Host} on HTTP/1.1 (RFC 9112 section 3.2), at most one on HTTP/1.0;
 *   <li>{@code Transfer-Encoding}, if present, is exactly {@code chunked}, once: any other coding
 *       (or {@code chunked} not last) leaves the body's length to guesswork (RFC 9112 section 6.3);
 *   <li>the request target is printable ASCII: the client would relay other bytes re-encoded.
 * </ul>
 * A {@code Content-Length} that is not one decimal number is refused by Netty's decoder itself.
 */
final class RequestHead {

    /** Header name characters (tchar, RFC 9110 section 5.6.2), indexed by char below 128. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private RequestHead() {}

    /** What is wrong with the head, in words for the caller; empty when it may be forwarded. */
    static Optional<String> flaw(HttpRequest request) {
        String uri = request.uri();
        for (int i = 0, n = uri.length(); i < n; i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return Optional.of("the request target has " + describe(c) + " at position " + i
                        + "; send printable ASCII and percent-encode the rest");
            }
        }
        int hosts = 0;
        int encodings = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (name.isEmpty()) {
                return Optional.of("a header has an empty name");
            }
            for (int i = 0, n = name.length(); i < n; i++) {
                char c = name.charAt(i);
                if (c >= 128 || !TOKEN[c]) {
                    return Optional.of("header name '" + printable(name) + "' has " + describe(c)
                            + "; a name is letters, digits and !#$%&'*+-.^_`|~ only, with the colon right after it");
                }
            }
            CharSequence value = header.getValue();
            for (int i = 0, n = value.length(); i < n; i++) {
                char c = value.charAt(i);
                if ((c < ' ' && c != '\t') || c == 0x7f) {
                    return Optional.of("header " + printable(name) + " has " + describe(c) + " in its value");
                }
            }
            if (name.length() == 4 && HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
                hosts++;
            } else if (name.length() == 17 && HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
                encodings++;
                if (encodings > 1 || !value.toString().strip().equalsIgnoreCase("chunked")) {
                    return Optional.of("Transfer-Encoding must be 'chunked' alone, once (got '" + printable(value)
                            + "'" + (encodings > 1 ? " in a second header" : "") + "); or send a Content-Length");
                }
            }
        }
        if (hosts > 1) {
            return Optional.of("it has " + hosts + " Host headers; send exactly one");
        }
        if (hosts == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return Optional.of("an HTTP/1.1 request needs a Host header");
        }
        return Optional.empty();
    }

    private static String describe(char c) {
        return c == ' ' ? "a space" : c < ' ' || c == 0x7f ? String.format("a control character (0x%02x)", (int) c)
                : String.format("a non-ASCII character (U+%04X)", (int) c);
    }

    /** At most 64 characters, with control characters shown as {@code \xNN}: this goes back to the caller. */
    private static String printable(CharSequence s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 64; i++) {
            char c = s.charAt(i);
            out.append(c < ' ' || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.length() < 64 ? out.toString() : out + "...";
    }
}
