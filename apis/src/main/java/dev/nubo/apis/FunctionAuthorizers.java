package dev.nubo.apis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.model.Json;
import java.io.IOException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Custom authorizers: a security scheme backed by a Nubo function ({@code x-nubo-authorizer:
 * {function: NAME, ttl: 60s, identity: header.Authorization}}). The function gets API Gateway's
 * REQUEST-authorizer event (payload format 2.0) as a direct invocation and answers its simple
 * response, {@code {"isAuthorized": true|false, "context": {...}}}. Decisions are kept per API
 * stage version, scheme and identity for the TTL; concurrent requests with one identity share one
 * call. A call that fails (not a 2xx, not that JSON, no answer) is kept for a second as a failure,
 * so a broken authorizer is not hammered.
 *
 * <p>The front door never waits: a request whose decision is not kept gets {@link FrontDoor.Later},
 * and is checked again once the decision is in ({@link #pending}).
 */
final class FunctionAuthorizers {

    /** One kept decision; {@code failure} says why the function could not decide. */
    record Decision(boolean allowed, Map<String, Object> context, Optional<String> failure, long expiresMillis) {}

    private static final long FAILURE_KEPT_MILLIS = 1_000;
    private static final int MAX_KEPT = 100_000;

    private final ApiGate.FunctionCaller caller;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Decision> kept = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Void>> asking = new ConcurrentHashMap<>();

    FunctionAuthorizers(ApiGate.FunctionCaller caller, InstantSource clock) {
        this.caller = caller;
        this.clock = clock;
    }

    /** The identity a scheme reads ({@code header.NAME} or {@code query.NAME}); empty when the request lacks it. */
    static Optional<String> identity(Api.FunctionScheme scheme, FrontDoor.Head head, String query) {
        String source = scheme.identity();
        String value = source.startsWith("header.") ? head.header(source.substring(7)) : ApiGate.queryParameter(query, source.substring(6)).orElse(null);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    static String key(Api api, String scheme, String identity) {
        return api.name() + '/' + api.stage() + '@' + api.version() + ' ' + scheme + '\n' + identity;
    }

    /** The kept, unexpired decision for {@code key}, if any. */
    Optional<Decision> decision(String key) {
        Decision d = kept.get(key);
        if (d == null || clock.millis() >= d.expiresMillis()) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /**
     * A {@link FrontDoor.Later} when some function scheme of {@code op} has no decision kept for the
     * request's identity: it completes once every such function has answered (or failed). Null when
     * all are kept, or the request carries no identity for them (authorization then refuses it).
     */
    FrontDoor.Later pending(FrontDoor.Head head, Api api, Api.Operation op, String path, String query, Map<String, String> params) {
        List<CompletableFuture<Void>> calls = null;
        for (Map<String, List<String>> alternative : op.security()) {
            for (String name : alternative.keySet()) {
                if (!(api.schemes().get(name) instanceof Api.FunctionScheme scheme)) {
                    continue;
                }
                Optional<String> identity = identity(scheme, head, query);
                if (identity.isEmpty()) {
                    continue;
                }
                String key = key(api, name, identity.get());
                if (decision(key).isPresent()) {
                    continue;
                }
                if (calls == null) {
                    calls = new java.util.ArrayList<>();
                }
                calls.add(asking.computeIfAbsent(key, k -> ask(k, scheme, event(head, api, op, path, query, params, identity.get()))));
            }
        }
        return calls == null ? null : new FrontDoor.Later(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)));
    }

    private CompletableFuture<Void> ask(String key, Api.FunctionScheme scheme, byte[] event) {
        CompletableFuture<ApiGate.FunctionReply> call;
        try {
            call = caller.call(scheme.function(), event);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((reply, error) -> {
            Decision d = error != null
                    ? failed(scheme.function() + " could not be called: " + (error.getCause() == null ? error : error.getCause()).getMessage())
                    : decide(scheme, reply);
            if (kept.size() >= MAX_KEPT) {
                kept.clear();  // a flood of distinct identities: start over rather than grow
            }
            kept.put(key, d);
            asking.remove(key);
            return null;
        });
    }

    private Decision decide(Api.FunctionScheme scheme, ApiGate.FunctionReply reply) {
        if (reply.status() / 100 != 2) {
            return failed(scheme.function() + " answered " + reply.status());
        }
        try {
            JsonNode answer = Json.mapper().readTree(reply.body());
            if (answer == null || !answer.path("isAuthorized").isBoolean()) {
                return failed(scheme.function() + " answered without a boolean isAuthorized");
            }
            Map<String, Object> context = answer.path("context").isObject()
                    ? Json.mapper().convertValue(answer.get("context"), Json.mapper().getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class))
                    : Map.of();
            return new Decision(answer.get("isAuthorized").booleanValue(), context, Optional.empty(), clock.millis() + scheme.ttl().toMillis());
        } catch (IOException e) {
            return failed(scheme.function() + " answered something that is not JSON");
        }
    }

    private Decision failed(String why) {
        return new Decision(false, Map.of(), Optional.of(why), clock.millis() + FAILURE_KEPT_MILLIS);
    }

    /** API Gateway's REQUEST-authorizer event, payload format 2.0. */
    private byte[] event(FrontDoor.Head head, Api api, Api.Operation op, String path, String query, Map<String, String> params, String identity) {
        Map<String, String> headers = new LinkedHashMap<>();
        head.headerList().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        String uri = head.uri();
        String rawPath = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));  // as sent: /STAGE/..., or under a stage host's base path
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", head.method());
        http.put("path", rawPath);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", head.clientAddress());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", "nubo");
        context.put("apiId", api.name());
        context.put("domainName", ApiGate.hostName(head.host()));
        context.put("http", http);
        context.put("requestId", head.requestId());
        context.put("routeKey", op.routeKey());
        context.put("stage", api.stage());
        context.put("timeEpoch", clock.millis());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("type", "REQUEST");
        event.put("routeArn", "arn:nubo:execute-api:local:nubo:" + api.name() + "/" + api.stage() + "/" + head.method() + path);
        event.put("identitySource", List.of(identity));
        event.put("routeKey", op.routeKey());
        event.put("rawPath", rawPath);
        event.put("rawQueryString", query.isEmpty() ? "" : query.substring(1));
        event.put("headers", headers);
        event.put("requestContext", context);
        event.put("pathParameters", params);
        event.put("stageVariables", api.stageVariables());
        return ApiGate.json(event).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
