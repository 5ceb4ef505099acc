package dev.nubo.gateway;

import dev.nubo.model.EventHeader;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The header rules for passing a message through the gateway. Hop-by-hop headers describe one
 * connection, not the message, so they stop here in both directions (RFC 9110 section 7.6.1), as do
 * headers the {@code Connection} header names. Everything else passes as is, repeated headers
 * such as {@code Set-Cookie} included, and so does {@code Host}: the function sees the name it
 * was called by.
 *
 * The front door's context headers ({@link FrontDoor#CONTEXT_HEADERS}) are the front door's alone:
 * a caller's are dropped. {@code Nubo-Event} passes only from the server's own callers ({@link EventHeader}),
 * and its key never passes.
 *
 * <p>Both directions edit the decoded message's headers in place, and the gateway writes that same
 * message on: a header is never copied, and one pass over the head finds what to drop.
 */
final class Forwarding {

    static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    static final AsciiString FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString EVENT = AsciiString.cached(EventHeader.NAME.toLowerCase(java.util.Locale.ROOT));
    private static final AsciiString EVENT_KEY = AsciiString.cached(EventHeader.KEY.toLowerCase(java.util.Locale.ROOT));
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    private Forwarding() {}

    /**
     * Turns the caller's headers into what the upstream should see: hop-by-hop headers and
     * {@code Expect} dropped, plus X-Forwarded-*, X-Request-Id and traceparent; returns that traceparent.
     *
     * @param clientAddress the caller's IP address, appended to X-Forwarded-For
     * @param secure whether the caller came over TLS (X-Forwarded-Proto: https)
     */
    static String toUpstream(HttpHeaders headers, String clientAddress, String requestId, boolean secure) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        StringBuilder forwardedFor = null;
        List<CharSequence> drop = null;
        boolean fromServer = EventHeader.trusted(headers.get(EVENT_KEY));
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (EVENT_KEY.contentEqualsIgnoreCase(name) || (!fromServer && EVENT.contentEqualsIgnoreCase(name))) {
                (drop == null ? drop = new ArrayList<>(4) : drop).add(name);
            } else if (FORWARDED_FOR.contentEqualsIgnoreCase(name)) {
                forwardedFor = (forwardedFor == null ? new StringBuilder() : forwardedFor.append(", ")).append(header.getValue());
            } else if (isHopByHop(name) || HttpHeaderNames.EXPECT.contentEqualsIgnoreCase(name) || isListedIn(connection, name)
                    || isFrontDoorContext(name)) {
                (drop == null ? drop = new ArrayList<>(4) : drop).add(name);
            }
        }
        if (drop != null) {
            drop.forEach(headers::remove);
        }
        headers.set(FORWARDED_FOR, forwardedFor == null ? clientAddress : forwardedFor.append(", ").append(clientAddress).toString());
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(FORWARDED_HOST, host);
        }
        headers.set(FORWARDED_PROTO, secure ? HTTPS : HTTP);
        headers.set(REQUEST_ID, requestId);
        String traceparent = TraceParent.forUpstream(headers.get(TRACEPARENT));
        headers.set(TRACEPARENT, traceparent);
        return traceparent;
    }

    /** One of {@link FrontDoor#CONTEXT_HEADERS}: only the front door sets those. */
    private static boolean isFrontDoorContext(CharSequence name) {
        return name.length() > 5 && AsciiString.regionMatches(name, true, 0, "nubo-", 0, 5)
                && FrontDoor.CONTEXT_HEADERS.contains(name.toString().toLowerCase(java.util.Locale.ROOT));
    }

    /** Drops from the upstream's response headers what the caller should not see. */
    static void toClient(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        List<CharSequence> drop = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (isHopByHop(name) || isListedIn(connection, name)) {
                (drop == null ? drop = new ArrayList<>(4) : drop).add(name);
            }
        }
        if (drop != null) {
            drop.forEach(headers::remove);
        }
    }

    static boolean isHopByHop(CharSequence name) {
        boolean fixed = switch (name.length()) {
            case 2 -> HttpHeaderNames.TE.contentEqualsIgnoreCase(name);
            case 7 -> HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(name) || HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name);
            case 10 -> HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name) || HttpHeaderNames.KEEP_ALIVE.contentEqualsIgnoreCase(name);
            case 17 -> HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
            default -> false;
        };
        return fixed || (name.length() >= 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6));
    }

    /** {@code Nubo-Event} or {@code Nubo-Event-Key}: never from a caller outside the server, and the key never to an instance. */
    private static boolean isEventHeader(String name) {
        return (name.length() == 10 || name.length() == 14) && name.regionMatches(true, 0, EventHeader.NAME, 0, 10)
                && (name.length() == 10 || name.equalsIgnoreCase(EventHeader.KEY));
    }

    /** Whether {@code name} is one of the comma-separated tokens of a Connection header; no allocation. */
    static boolean isListedIn(String connection, CharSequence name) {
        if (connection == null) {
            return false;
        }
        int i = 0;
        int n = connection.length();
        while (i < n) {
            while (i < n && (connection.charAt(i) == ' ' || connection.charAt(i) == ',' || connection.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && connection.charAt(i) != ',' && connection.charAt(i) != ' ' && connection.charAt(i) != '\t') {
                i++;
            }
            if (i - start == name.length() && AsciiString.regionMatches(connection, true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }
}
