package dev.nubo.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What stands in front of routing: API definitions with their authorizers, usage plans and CORS
 * rules (the {@code apis} module) decide about a request head before the gateway picks a service.
 * The gateway asks once per request, first in its request path, on the request's event loop: a
 * front door must answer at once and never block (no I/O; caches and counters only).
 *
 * <pre>{@code
 * gateway.frontDoor(head -> head.host().startsWith("shop.")
 *         ? new FrontDoor.Forward("orders", "/orders" + head.uri(), Map.of("nubo-stage", "prod"), Map.of())
 *         : FrontDoor.PASS);
 * }</pre>
 */
@FunctionalInterface
public interface FrontDoor {

    /**
     * Headers a front door sets on what the instance gets (the API's route, stage and authorizer
     * context, docs/API.md): the gateway drops a caller's own headers of these names from every
     * request, so an instance can trust them whichever way the request came.
     */
    java.util.Set<String> CONTEXT_HEADERS = java.util.Set.of("nubo-api", "nubo-stage", "nubo-route-key", "nubo-path-parameters",
            "nubo-authorizer", "nubo-api-key-id", "nubo-stage-variables");

    /** Lets every request through to routing as it came. */
    FrontDoor NONE = head -> FrontDoor.PASS;

    /** Not for this front door: the gateway routes the request by host and path as usual. */
    Verdict PASS = new Pass();

    Verdict check(Head head);

    /** The parts of a request head a front door reads. Header names are case-insensitive. */
    interface Head {
        String method();

        /** The Host header as sent (port and case included); empty when there is none. */
        String host();

        /** The request target: path and query. */
        String uri();

        /** The first value of a request header, or null when absent. */
        String header(String name);

        /** The caller's IP address. */
        String clientAddress();

        /** The request's X-Request-Id, the caller's or the gateway's: for the JSON of an error answer. */
        String requestId();

        /** Every request header, in order, as sent (for an event that carries them all). */
        default List<Map.Entry<String, String>> headerList() {
            return List.of();
        }
    }

    /** What the gateway does with the request. */
    sealed interface Verdict permits Pass, Forward, Answer, Later {}

    record Pass() implements Verdict {}

    /**
     * Send the request to {@code service} (its split, holds and limits apply as to any request to it)
     * with {@code uri} as the request target, {@code requestHeaders} set on what the instance gets and
     * {@code responseHeaders} set on what the caller gets back, after the headers named in
     * {@code removeRequestHeaders} and {@code removeResponseHeaders} are dropped.
     */
    record Forward(String service, String uri, Map<String, String> requestHeaders, Map<String, String> responseHeaders,
                   List<String> removeRequestHeaders, List<String> removeResponseHeaders, Options options) implements Verdict {
        public Forward {
            requestHeaders = Map.copyOf(requestHeaders);
            responseHeaders = Map.copyOf(responseHeaders);
            removeRequestHeaders = List.copyOf(removeRequestHeaders);
            removeResponseHeaders = List.copyOf(removeResponseHeaders);
        }

        public Forward(String service, String uri, Map<String, String> requestHeaders, Map<String, String> responseHeaders,
                       List<String> removeRequestHeaders, List<String> removeResponseHeaders) {
            this(service, uri, requestHeaders, responseHeaders, removeRequestHeaders, removeResponseHeaders, Options.NONE);
        }

        public Forward(String service, String uri, Map<String, String> requestHeaders, Map<String, String> responseHeaders) {
            this(service, uri, requestHeaders, responseHeaders, List.of(), List.of());
        }
    }

    /**
     * What else a forwarded request gets: a check of its whole body before it goes on, a cached
     * answer under {@code cache}'s key, and a timeout of its own instead of the revision's.
     */
    record Options(Optional<BodyCheck> body, Optional<Caching> cache, Optional<Duration> timeout) {
        public static final Options NONE = new Options(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Reads a whole request body (at most {@code maxBytes}; more is refused with 413) before the
     * request goes on, on the event loop: an answer refuses it (a 400 naming the field), empty lets
     * it through, body and all.
     */
    interface BodyCheck {
        int maxBytes();

        Optional<Answer> check(Head head, byte[] body);
    }

    /**
     * A GET whose 200 answers the gateway keeps for {@code ttl} (less when the answer's own
     * {@code Cache-Control: max-age} says so; never with {@code no-store} or {@code private}) under
     * {@code key}, which says everything the answer depends on (the API's version, the path, the
     * query and headers its operation names).
     */
    record Caching(String key, Duration ttl) {}

    /**
     * Ask again once {@code ready} completes (a custom authorizer's function has answered): the
     * request waits meanwhile, its body read ahead as for a held request, and the front door's
     * next look must decide from what {@code ready} brought.
     */
    record Later(java.util.concurrent.CompletionStage<?> ready) implements Verdict {}

    /** Answer the caller now, without any service: an error, a CORS preflight, a mock, a cached answer. */
    record Answer(int status, Map<String, String> headers, byte[] body) implements Verdict {
        public Answer {
            headers = Map.copyOf(headers);
            body = body.clone();
        }
    }
}
