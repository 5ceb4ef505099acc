package dev.nubo.apis;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.model.Json;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The gateway's front door for APIs: an API {@code NAME} deployed to stage {@code STAGE} answers at
 * {@code http://NAME.<domain>/STAGE/...}. Every request to such a host passes {@link #check}, whose
 * steps are, in order: stage → CORS preflight (answered here) → operation (method and path template;
 * 404, 405) → required parameters and body (400 naming the field) → security (API key and usage
 * plan: 403, 429 with Retry-After; JWT: 401, 403 for a missing scope) → mock (answered here) or
 * forward to the integration's service with the route's context in headers, and with the
 * operation's body schema (checked by the gateway once the body is read), cache key and timeout
 * ({@link FrontDoor.Options}; docs/API.md, "APIs").
 * Requests to other hosts pass untouched.
 *
 * <p>Deployed APIs are swapped in as one immutable snapshot ({@link #publish}); checks run on the
 * gateway's event loops and never block.
 */
public final class ApiGate implements FrontDoor {

    /** One stage of one API, ready for checks: operations most specific first, a verifier per JWT scheme. */
    private record Deployed(Api api, List<Api.Operation> operations, Map<String, Jwts> jwts, String stageVariables) {
        static Deployed of(Api api, InstantSource clock) {
            List<Api.Operation> ops = new ArrayList<>(api.operations());
            ops.sort(Comparator.comparingInt((Api.Operation o) -> -o.path().literals()));
            Map<String, Jwts> jwts = new HashMap<>();
            api.schemes().forEach((name, scheme) -> {
                if (scheme instanceof Api.JwtScheme jwt) {
                    jwts.put(name, new Jwts(jwt, clock));
                }
            });
            return new Deployed(api, ops, jwts, json(api.stageVariables()));
        }
    }

    private final String domain;
    private final ApiKeys keys;
    private final InstantSource clock;
    private final LongSupplier nanoTime;
    private final FunctionAuthorizers functions;
    private volatile Map<String, Map<String, Deployed>> byHost = Map.of();
    /** Stages on hosts of their own: host → base path ({@code ""} for the root) → stage, longest base path first. */
    private volatile Map<String, List<Map.Entry<String, Deployed>>> byOwnHost = Map.of();

    /** Calls a Nubo function with {@code event} as its body, as {@code nubo invoke} does; never blocks. */
    @FunctionalInterface
    public interface FunctionCaller {
        java.util.concurrent.CompletableFuture<FunctionReply> call(String function, byte[] event);
    }

    /** What a function called by a custom authorizer answered. */
    public record FunctionReply(int status, byte[] body) {}

    public ApiGate(String domain, ApiKeys keys, InstantSource clock, LongSupplier nanoTime) {
        this(domain, keys, clock, nanoTime, (function, event) -> java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("no function caller is wired")));
    }

    /** @param functions how a custom authorizer (a security scheme with {@code x-nubo-authorizer: {function}}) calls its function */
    public ApiGate(String domain, ApiKeys keys, InstantSource clock, LongSupplier nanoTime, FunctionCaller functions) {
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.keys = keys;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.functions = new FunctionAuthorizers(functions, clock);
    }

    /** Replaces every deployed API stage at once. */
    public void publish(List<Api> apis) {
        Map<String, Map<String, Deployed>> next = new HashMap<>();
        for (Api api : apis) {
            next.computeIfAbsent(api.name() + "." + domain, h -> new HashMap<>()).put(api.stage(), Deployed.of(api, clock));
        }
        next.replaceAll((h, stages) -> Map.copyOf(stages));
        Map<String, List<Map.Entry<String, Deployed>>> own = new HashMap<>();
        for (Api api : apis) {
            api.host().ifPresent(h -> own.computeIfAbsent(h, x -> new ArrayList<>())
                    .add(Map.entry(api.basePath(), next.get(api.name() + "." + domain).get(api.stage()))));
        }
        own.replaceAll((h, stages) -> stages.stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, Deployed> e) -> -e.getKey().length())).toList());
        byHost = Map.copyOf(next);
        byOwnHost = Map.copyOf(own);
    }

    /** The stage of a host of its own whose base path {@code path} is under, with the rest of the path; null when none. */
    private static Map.Entry<String, Deployed> underBasePath(List<Map.Entry<String, Deployed>> stages, String path) {
        for (Map.Entry<String, Deployed> stage : stages) {
            String base = stage.getKey();
            if (path.startsWith(base) && (path.length() == base.length() || path.charAt(base.length()) == '/')) {
                return Map.entry(path.length() == base.length() ? "/" : path.substring(base.length()), stage.getValue());
            }
        }
        return null;
    }

    @Override
    public Verdict check(Head head) {
        String host = hostName(head.host());
        Map<String, Deployed> stages = byHost.get(host);
        List<Map.Entry<String, Deployed>> own = stages == null ? byOwnHost.get(host) : null;
        if (stages == null && own == null) {
            return PASS;
        }
        String uri = head.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q);
        String rest;
        Deployed d;
        if (own != null) {
            Map.Entry<String, Deployed> found = underBasePath(own, path);
            if (found == null) {
                return PASS;  // the rest of the host is routed as usual: a static site on / beside an API on /api
            }
            rest = found.getKey();
            d = found.getValue();
        } else {
            int slash = path.indexOf('/', 1);
            String stageName = slash < 0 ? path.substring(1) : path.substring(1, slash);
            rest = slash < 0 ? "/" : path.substring(slash);
            d = stages.get(stageName);
            if (d == null) {
                return error(head, 404, "api.stage_unknown", "API has no stage '" + stageName + "'",
                        "call /STAGE/PATH; its stages are " + new TreeSet<>(stages.keySet()));
            }
        }
        Api api = d.api();
        String origin = head.header("origin");
        if (api.cors().isPresent() && head.method().equals("OPTIONS") && origin != null && head.header("access-control-request-method") != null) {
            return Cors.preflight(api.cors().get(), origin, head.header("access-control-request-method"),
                    head.header("access-control-request-headers"), head.requestId());
        }
        Api.Operation op = null;
        Map<String, String> params = null;
        List<String> allowed = new ArrayList<>();
        for (Api.Operation candidate : d.operations()) {
            Optional<Map<String, String>> bound = candidate.path().match(rest);
            if (bound.isEmpty()) {
                continue;
            }
            if (candidate.method().equals(head.method()) || (head.method().equals("HEAD") && candidate.method().equals("GET") && op == null)) {
                op = candidate;
                params = bound.get();
                if (candidate.method().equals(head.method())) {
                    break;
                }
            } else {
                allowed.add(candidate.method());
            }
        }
        if (op == null) {
            return allowed.isEmpty()
                    ? error(head, 404, "api.route_unknown", "API " + api.name() + " (" + api.stage() + ") has no operation at " + rest,
                            "`nubo api describe " + api.name() + "` lists its operations")
                    : error(head, 405, "api.method_not_allowed", rest + " does not take " + head.method() + "; it takes " + allowed,
                            "use one of " + allowed);
        }
        Verdict invalid = validate(head, op, query, params);
        if (invalid != null) {
            return invalid;
        }
        Verdict later = functions.pending(head, api, op, rest, query, params);
        if (later != null) {
            return later;  // asked again once the authorizer's function has decided
        }
        Map<String, String> context = new LinkedHashMap<>();
        Verdict refused = authorize(head, d, op, context);
        if (refused != null) {
            return refused;
        }
        Map<String, String> responseHeaders = api.cors().map(c -> Cors.responseHeaders(c, origin)).orElse(Map.of());
        if (op.integration().isEmpty()) {
            Api.Mock mock = op.mock().orElseThrow();
            Map<String, String> headers = new HashMap<>(responseHeaders);
            headers.put("content-type", mock.contentType());
            return new Answer(mock.status(), headers, mock.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Api.Integration integration = op.integration().get();
        context.put("nubo-api", api.name());
        context.put("nubo-stage", api.stage());
        context.put("nubo-route-key", op.routeKey());
        context.put("nubo-path-parameters", params.isEmpty() ? "{}" : json(params));
        context.put("nubo-stage-variables", d.stageVariables());
        context.putIfAbsent("nubo-authorizer", "{}");
        context.putIfAbsent("nubo-api-key-id", "");
        if (!integration.request().set().isEmpty()) {
            integration.request().set().forEach(context::putIfAbsent);  // Nubo-* names are refused at deploy
        }
        if (!integration.response().set().isEmpty()) {
            responseHeaders = new HashMap<>(responseHeaders);
            responseHeaders.putAll(integration.response().set());
        }
        return new Forward(integration.service(), PathTemplate.fill(integration.path(), params) + query, context, responseHeaders,
                integration.request().remove(), integration.response().remove(), options(head, api, op, rest, query));
    }

    /** The operation's body check, cache key and timeout; nothing to allocate for an operation with none. */
    private static FrontDoor.Options options(Head head, Api api, Api.Operation op, String rest, String query) {
        if (op.body().isEmpty() && op.cache().isEmpty() && op.timeout().isEmpty()) {
            return FrontDoor.Options.NONE;
        }
        return new FrontDoor.Options(op.body().map(b -> b), op.cache().map(c -> new FrontDoor.Caching(cacheKey(head, api, op, c, rest, query), c.ttl())),
                op.timeout());
    }

    /** Everything a cached answer depends on: the API's stage and version, the operation, and the parts its key names. */
    static String cacheKey(Head head, Api api, Api.Operation op, Api.Cache cache, String rest, String query) {
        StringBuilder key = new StringBuilder(api.name()).append('/').append(api.stage()).append('@').append(api.version())
                .append(' ').append(op.routeKey());
        for (String part : cache.key()) {
            String value = switch (part) {
                case "path" -> rest;
                case "query" -> query;
                default -> part.startsWith("header.") ? head.header(part.substring(7)) : queryParameter(query, part.substring(6)).orElse(null);
            };
            key.append('\n').append(value == null ? "\u0000" : value);  // absent differs from empty
        }
        return key.toString();
    }

    private Verdict validate(Head head, Api.Operation op, String query, Map<String, String> path) {
        for (Api.Parameter p : op.parameters()) {
            Optional<String> value = switch (p.in()) {
                case "header" -> Optional.ofNullable(head.header(p.name()));
                case "path" -> Optional.ofNullable(path.get(p.name())).map(ApiGate::decode);
                default -> queryParameter(query, p.name());
            };
            if (value.isEmpty() && p.required()) {
                return error(head, 400, "api.request_invalid", "the " + p.in() + " parameter '" + p.name() + "' is required",
                        "send " + p.name() + (p.in().equals("header") ? " as a header" : " in the query string"));
            }
            Optional<String> problem = value.flatMap(p.schema()::problem);
            if (problem.isPresent()) {
                return error(head, 400, "api.request_invalid", "the " + p.in() + " parameter '" + p.name() + "' " + problem.get(),
                        "see the parameter's schema in the API's OpenAPI document");
            }
        }
        if (op.bodyRequired()) {
            String length = head.header("content-length");
            boolean body = head.header("transfer-encoding") != null || (length != null && !length.trim().equals("0"));
            if (!body) {
                return error(head, 400, "api.request_invalid", "the request body is required", "send a body with the request");
            }
        }
        return null;
    }

    /** Tries each alternative of the operation's security; the first that passes fills {@code context}. */
    private Verdict authorize(Head head, Deployed d, Api.Operation op, Map<String, String> context) {
        Verdict first = null;
        for (Map<String, List<String>> alternative : op.security()) {
            Map<String, String> found = new LinkedHashMap<>();
            Verdict refused = null;
            for (Map.Entry<String, List<String>> requirement : alternative.entrySet()) {
                refused = check(head, d, requirement.getKey(), requirement.getValue(), found);
                if (refused != null) {
                    break;
                }
            }
            if (refused == null) {
                context.putAll(found);
                return null;
            }
            if (first == null) {
                first = refused;
            }
        }
        return first;
    }

    private Verdict check(Head head, Deployed d, String scheme, List<String> scopes, Map<String, String> context) {
        Api.Scheme s = d.api().schemes().get(scheme);
        if (s instanceof Api.ApiKeyScheme key) {
            ApiKeys.Checked checked = keys.check(d.api().name(), head.header(key.header()), nanoTime.getAsLong(), clock.millis() / 1000);
            ApiKeys.Refusal refusal = checked.refusal();
            if (refusal != null) {
                Map<String, String> extra = refusal.retryAfterSeconds() > 0 ? Map.of("retry-after", Long.toString(refusal.retryAfterSeconds())) : Map.of();
                return error(head, refusal.status(), refusal.code(), refusal.message(), refusal.hint(), extra);
            }
            context.put("nubo-api-key-id", checked.id());
            return null;
        }
        if (s instanceof Api.FunctionScheme fn) {
            return checkByFunction(head, d.api(), scheme, fn, context);
        }
        String authorization = head.header("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return error(head, 401, "api.token_missing", "this operation needs a bearer token", "send Authorization: Bearer <JWT>",
                    Map.of("www-authenticate", "Bearer"));
        }
        Jwts.Verified verified;
        try {
            verified = d.jwts().get(scheme).verify(authorization.substring(7).trim(), clock.millis());
        } catch (Jwts.Invalid e) {
            return error(head, 401, "api.token_invalid", e.getMessage(), "get a fresh token from the issuer",
                    Map.of("www-authenticate", "Bearer error=\"invalid_token\""));
        }
        List<String> missing = Jwts.missing(verified.scopes(), scopes);
        if (!missing.isEmpty()) {
            return error(head, 403, "api.scope_missing", "the token lacks scope(s) " + missing + " that this operation needs",
                    "ask the issuer for a token with " + missing, Map.of("www-authenticate", "Bearer error=\"insufficient_scope\""));
        }
        context.put("nubo-authorizer", verified.context());
        return null;
    }

    private Verdict checkByFunction(Head head, Api api, String scheme, Api.FunctionScheme fn, Map<String, String> context) {
        String uri = head.uri();
        Optional<String> identity = FunctionAuthorizers.identity(fn, head, uri.indexOf('?') < 0 ? "" : uri.substring(uri.indexOf('?')));
        if (identity.isEmpty()) {
            return error(head, 401, "api.identity_missing", "this operation needs " + fn.identity().replace(".", " ") + " for its authorizer",
                    "send " + fn.identity().substring(fn.identity().indexOf('.') + 1) + (fn.identity().startsWith("header.") ? " as a header" : " in the query string"));
        }
        Optional<FunctionAuthorizers.Decision> decision = functions.decision(FunctionAuthorizers.key(api, scheme, identity.get()));
        if (decision.isEmpty() || decision.get().failure().isPresent()) {
            return error(head, 500, "api.authorizer_failed", "the authorizer could not decide: "
                    + decision.flatMap(FunctionAuthorizers.Decision::failure).orElse("its decision expired before use"),
                    "check the function " + fn.function() + " (`nubo logs " + fn.function() + "`); it must answer {\"isAuthorized\": true|false}");
        }
        if (!decision.get().allowed()) {
            return error(head, 403, "api.authorizer_denied", "the authorizer " + fn.function() + " denied this request",
                    "call with an identity it allows");
        }
        context.put("nubo-authorizer", json(Map.of("lambda", decision.get().context())));
        return null;
    }

    /** Percent-decoded; as it came when its escapes are broken (the value is then checked as such). */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** The first value of query parameter {@code name}, decoded; "" for a name without {@code =}. */
    static Optional<String> queryParameter(String query, String name) {
        for (String pair : query.isEmpty() ? new String[0] : query.substring(1).split("&")) {
            int eq = pair.indexOf('=');
            if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    static Answer error(Head head, int status, String code, String message, String hint) {
        return error(head, status, code, message, hint, Map.of());
    }

    static Answer error(Head head, int status, String code, String message, String hint, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("content-type", "application/json");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", code);
        detail.put("message", message);
        detail.put("hint", hint);
        detail.put("requestId", head.requestId());
        try {
            return new Answer(status, all, Json.mapper().writeValueAsBytes(Map.of("error", detail)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Shop.Localhost:8080} as {@code shop.localhost}. */
    static String hostName(String host) {
        int colon = host.lastIndexOf(':');
        String name = colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host;
        return name.toLowerCase(Locale.ROOT);
    }
}
