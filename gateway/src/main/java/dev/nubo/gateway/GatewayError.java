package dev.nubo.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.model.Json;
import dev.nubo.model.Quantities;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Every answer the gateway makes up itself, rather than relays: the closed set is the factories
 * below. Each goes out as {@code {"error":{"code","message","hint","requestId"}}}, the shape of the
 * control API's errors, so one client-side parser handles both.
 */
record GatewayError(int status, String code, String message, String hint, int retryAfterSeconds) {

    private record Body(Detail error) {}

    private record Detail(String code, String message, String hint, String requestId) {}

    static GatewayError unknownRoute(String host, String path, String domain) {
        return new GatewayError(404, "route.unknown",
                "no service answers at host '" + host + "' and path '" + path + "'",
                "run `nubo list` to see services; a service answers at NAME." + domain, 0);
    }

    static GatewayError unavailable(String service) {
        return new GatewayError(503, "service.unavailable", service + " has no revision that takes traffic",
                "`nubo describe " + service + "` shows why; deploy, or `nubo traffic` to a ready revision", 1);
    }

    /**
     * The revision has no instance with room and holds nothing (its queue length is 0).
     *
     * @param refusal why the last instance tried did not take the request, or null
     */
    static GatewayError noRoom(String service, String revision, boolean noInstance, String refusal) {
        return new GatewayError(503, "service.unavailable",
                service + (noInstance ? " has no ready instance" : "'s instances are all at their limit") + " (" + revision
                        + ", which holds no requests: scale.queue.length is 0)" + lastTried(refusal),
                "retry later; set scale.queue.length in nubo.yaml to hold requests while instances start", 1);
    }

    static GatewayError queueFull(String service, String revision, int length) {
        return new GatewayError(503, "service.overloaded",
                service + " is overloaded: " + length + " requests already wait for " + revision,
                "retry later; raise scale.max or scale.queue.length in nubo.yaml to take more", 1);
    }

    /** @param refusal why the last instance tried did not take the request, or null */
    static GatewayError holdExpired(String service, String revision, Duration waited, String refusal) {
        return new GatewayError(503, "service.unavailable",
                "no instance of " + revision + " had room within " + Quantities.formatDuration(waited) + lastTried(refusal),
                "retry later; `nubo describe " + service + "` shows whether instances fail to start", 1);
    }

    private static String lastTried(String refusal) {
        return refusal == null ? "" : "; the last one tried, " + refusal;
    }

    static GatewayError overRate(String service, dev.nubo.model.Descriptor.Limits limits, int retryAfter) {
        return new GatewayError(429, "service.rate_limited",
                service + " takes at most " + limits.rateText() + " (burst " + limits.burst() + ")"
                        + (limits.perClient() ? " from each caller" : "") + "; retry in " + retryAfter + "s",
                "wait as Retry-After says; the owner sets `limits.rate` and `limits.burst` in nubo.yaml", retryAfter);
    }

    static GatewayError overConcurrency(String service, int cap) {
        return new GatewayError(503, "service.concurrency_limited",
                service + " already has " + cap + " requests in flight, its limit",
                "retry later; the owner sets `limits.concurrency` in nubo.yaml", 1);
    }

    /** The service's circuit breaker is open (or half-open, its one probe already out): answered at once. */
    static GatewayError circuitOpen(String service, boolean probing, String why, int retryAfter) {
        return new GatewayError(503, "service.circuit_open",
                service + (probing ? " is being probed after failing: " : "'s circuit breaker is open: ") + why
                        + "; requests are answered here until a probe succeeds, in " + retryAfter + "s",
                "retry after Retry-After; `nubo describe " + service + "` shows the breaker, `nubo logs " + service
                        + "` why it fails; the owner sets `resilience.circuitBreaker` in nubo.yaml", retryAfter);
    }

    static GatewayError timeout(String service, Duration timeout) {
        return new GatewayError(504, "gateway.timeout",
                service + " did not answer within " + Quantities.formatDuration(timeout),
                "raise `timeout` in nubo.yaml or make " + service + " answer sooner", 0);
    }

    static GatewayError tooLarge(String service, long declared, long limit) {
        return new GatewayError(413, "request.too_large",
                "request body of " + Quantities.formatBytes(declared) + " is over " + service + "'s limit of "
                        + Quantities.formatBytes(limit),
                "raise `maxBodySize` in nubo.yaml or send a smaller body", 0);
    }

    /** For a body without Content-Length that turned out too long while it streamed. */
    static GatewayError tooLargeWhileStreaming(String service, long limit) {
        return new GatewayError(413, "request.too_large",
                "request body grew past " + service + "'s limit of " + Quantities.formatBytes(limit),
                "raise `maxBodySize` in nubo.yaml or send a smaller body", 0);
    }

    /** A body read whole for the front door's check (an API operation's schema) grew past what it reads. */
    static GatewayError tooLargeToCheck(long limit) {
        return new GatewayError(413, "request.too_large",
                "a request body checked against the API's schema may be at most " + Quantities.formatBytes(limit),
                "send a smaller body", 0);
    }

    static GatewayError upstreamFailed(String service, Upstream upstream, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new GatewayError(502, "upstream.failed",
                service + " failed before answering: " + why + " (instance " + upstream.instanceId() + ")",
                "`nubo logs " + service + "` shows why it failed; `nubo describe " + service + "` shows the instance's state", 0);
    }

    /** A site answers GET and HEAD only. */
    static GatewayError notReadable(String service, String method) {
        return new GatewayError(405, "static.method_not_allowed", service + " is a static site and does not take " + method,
                "use GET or HEAD; send writes to a service with a process (a path such as /api can route to one)", 0);
    }

    static GatewayError notInSite(String service, String path) {
        return new GatewayError(404, "static.not_found", service + " has no file at '" + path + "'",
                "check the path; nubo.yaml's `spa: true` answers unknown paths with index.html, `notFound: 404.html` with a page of yours", 0);
    }

    static GatewayError outsideSite(String service, String why) {
        return new GatewayError(400, "static.bad_path", why,
                "ask for a path under the site's root, without . or .. segments and without encoded slashes", 0);
    }

    static GatewayError malformed(int status) {
        return new GatewayError(status, "request.malformed", "the gateway could not parse this HTTP request (" + status + ")",
                "send a well-formed HTTP/1.1 request; request lines and headers have size limits", 0);
    }

    /** A head the decoder accepted but the gateway will not forward; see {@link RequestHead}. */
    static GatewayError refusedHead(String flaw) {
        return new GatewayError(400, "request.malformed", "the gateway refuses this request: " + flaw,
                "send a well-formed HTTP/1.1 request (RFC 9112); the gateway forwards nothing it cannot frame unambiguously", 0);
    }

    /** The answer as the caller gets it; {@code close} adds {@code Connection: close} (else the exchange decides). */
    FullHttpResponse response(String requestId, HttpVersion version, boolean close) {
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(new Body(new Detail(code, message, hint, requestId)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);  // records of strings always serialize
        }
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(json));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(Forwarding.REQUEST_ID, requestId);
        if (retryAfterSeconds > 0) {
            headers.setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        if (close) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version.equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }
}
