package dev.nubo.gateway;

import dev.nubo.model.EventHeader;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.Map;

/**
 * The header rules for passing a message through the gateway. Hop-by-hop headers describe one
 * connection, not the message, so they stop here in both directions (RFC 9110 section 7.6.1), as do
 * headers the {@code Connection} header names. Everything else passes as is, repeated headers
 * such as {@code Set-Cookie} included, and so does {@code Host}: the function sees the name it
 * was called by. {@code Nubo-Event} passes only from the server's own callers ({@link EventHeader}).
 */
final class Forwarding {

    static final String REQUEST_ID = "x-request-id";
    static final String TRACEPARENT = "traceparent";

    private Forwarding() {}

    /** The caller's headers as the upstream should see them, plus X-Forwarded-*, X-Request-Id and traceparent. */
    static void toUpstream(HttpServerRequest request, MultiMap out, String requestId) {
        MultiMap in = request.headers();
        String connection = in.get("connection");
        StringBuilder forwardedFor = null;
        boolean fromServer = EventHeader.trusted(in.get(EventHeader.KEY));
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey();
            if (isEventHeader(name)) {
                if (fromServer && name.equalsIgnoreCase(EventHeader.NAME)) {
                    out.add(name, header.getValue());
                }
            } else if (name.equalsIgnoreCase("x-forwarded-for")) {
                forwardedFor = (forwardedFor == null ? new StringBuilder() : forwardedFor.append(", ")).append(header.getValue());
            } else if (!isHopByHop(name) && !isSetByGateway(name) && !isListedIn(connection, name)) {
                out.add(name, header.getValue());
            }
        }
        SocketAddress client = request.remoteAddress();
        String clientAddress = client == null || client.hostAddress() == null ? "unknown" : client.hostAddress();
        out.set("x-forwarded-for", forwardedFor == null ? clientAddress : forwardedFor.append(", ").append(clientAddress).toString());
        String host = in.get("host");
        if (host != null) {
            out.set("x-forwarded-host", host);
        }
        out.set("x-forwarded-proto", "http");
        out.set(REQUEST_ID, requestId);
        out.set(TRACEPARENT, TraceParent.forUpstream(in.get(TRACEPARENT)));
    }

    /** The upstream's response headers as the caller should see them. */
    static void toClient(MultiMap in, MultiMap out) {
        String connection = in.get("connection");
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey();
            if (!isHopByHop(name) && !isListedIn(connection, name)) {
                out.add(name, header.getValue());
            }
        }
    }

    static boolean isHopByHop(String name) {
        boolean fixed = switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("te");
            case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
        return fixed || name.regionMatches(true, 0, "proxy-", 0, 6);
    }

    /**
     * Headers the gateway writes itself. {@code Expect} is here because the gateway answers
     * {@code 100-continue} on its own once an instance is connected; passing it on would have the
     * instance send a second, unwanted interim response.
     */
    private static boolean isSetByGateway(String name) {
        return switch (name.length()) {
            case 6 -> name.equalsIgnoreCase("expect");
            case 11 -> name.equalsIgnoreCase("traceparent");
            case 12 -> name.equalsIgnoreCase(REQUEST_ID);
            case 16 -> name.equalsIgnoreCase("x-forwarded-host");
            case 17 -> name.equalsIgnoreCase("x-forwarded-proto");
            default -> false;
        };
    }

    /** {@code Nubo-Event} or {@code Nubo-Event-Key}: never from a caller outside the server, and the key never to an instance. */
    private static boolean isEventHeader(String name) {
        return (name.length() == 10 || name.length() == 14) && name.regionMatches(true, 0, EventHeader.NAME, 0, 10)
                && (name.length() == 10 || name.equalsIgnoreCase(EventHeader.KEY));
    }

    /** Whether {@code name} is one of the comma-separated tokens of a Connection header; no allocation. */
    static boolean isListedIn(String connection, String name) {
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
            if (i - start == name.length() && connection.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }
}
