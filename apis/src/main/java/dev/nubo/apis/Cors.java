package dev.nubo.apis;

import dev.nubo.gateway.FrontDoor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CORS as an API's {@code x-nubo-cors} says, answered by the gateway: a preflight never reaches the
 * integration, and the answers to allowed origins carry {@code Access-Control-Allow-Origin}.
 */
final class Cors {

    private Cors() {}

    static FrontDoor.Answer preflight(Api.Cors cors, String origin, String method, String requestHeaders, String requestId) {
        FrontDoor.Head head = new FrontDoor.Head() {
            public String method() { return "OPTIONS"; }
            public String host() { return ""; }
            public String uri() { return ""; }
            public String header(String name) { return null; }
            public String clientAddress() { return ""; }
            public String requestId() { return requestId; }
        };
        if (!allows(cors, origin)) {
            return ApiGate.error(head, 403, "api.cors_origin", "origin " + origin + " may not call this API", "add it to x-nubo-cors.allowOrigins");
        }
        if (!cors.allowMethods().contains(method.toUpperCase(Locale.ROOT))) {
            return ApiGate.error(head, 403, "api.cors_method", "method " + method + " is not allowed across origins", "add it to x-nubo-cors.allowMethods");
        }
        if (requestHeaders != null && !requestHeaders.isBlank()) {
            for (String h : requestHeaders.split(",")) {
                String name = h.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !cors.allowHeaders().contains(name) && !cors.allowHeaders().contains("*")) {
                    return ApiGate.error(head, 403, "api.cors_header", "header " + name + " is not allowed across origins",
                            "add it to x-nubo-cors.allowHeaders");
                }
            }
        }
        Map<String, String> headers = new HashMap<>(responseHeaders(cors, origin));
        headers.put("access-control-allow-methods", String.join(", ", cors.allowMethods()));
        if (!cors.allowHeaders().isEmpty()) {
            headers.put("access-control-allow-headers", String.join(", ", cors.allowHeaders()));
        }
        if (cors.maxAgeSeconds() > 0) {
            headers.put("access-control-max-age", Integer.toString(cors.maxAgeSeconds()));
        }
        return new FrontDoor.Answer(204, headers, new byte[0]);
    }

    /** What an answer to a request from {@code origin} adds; nothing for a request without one, or from an origin not allowed. */
    static Map<String, String> responseHeaders(Api.Cors cors, String origin) {
        if (origin == null || !allows(cors, origin)) {
            return Map.of();
        }
        boolean any = cors.allowOrigins().contains("*");
        return any ? Map.of("access-control-allow-origin", "*") : Map.of("access-control-allow-origin", origin, "vary", "Origin");
    }

    private static boolean allows(Api.Cors cors, String origin) {
        return cors.allowOrigins().contains("*") || cors.allowOrigins().stream().anyMatch(o -> o.equalsIgnoreCase(origin));
    }

}
