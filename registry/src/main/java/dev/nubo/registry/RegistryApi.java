package dev.nubo.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.model.NuboException;
import dev.nubo.model.UserError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry over HTTP, on the control API's port and without its token (clients in instances have
 * none): Eureka's REST API under {@code /eureka/} (docs/API.md), the one Spring Cloud Netflix's
 * client speaks, and Nubo's own list and watch under {@code /v1/registry} ({@link RegistryWatch}).
 *
 * <pre>{@code
 * new RegistryApi(registry).mount(router);   // before the routes behind the token
 * }</pre>
 */
public final class RegistryApi {

    private static final int BODY_LIMIT = 64 << 10;
    private final Registry registry;

    public RegistryApi(Registry registry) {
        this.registry = registry;
    }

    /** Adds the routes; mount them ahead of any route that asks for a token. */
    public void mount(Router router) {
        router.route("/eureka/*").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).handler(ctx -> {
            try {
                eureka(ctx);
            } catch (NuboException e) {
                error(ctx, e);
            } catch (Unsupported e) {
                error(ctx, e.status, "registry.unsupported", e.getMessage(), e.hint);
            }
        });
        new RegistryWatch(registry).mount(router);
    }

    /** Dispatches by the path's segments, as Eureka's Jersey resources do; doubled and trailing slashes are allowed. */
    private void eureka(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        acceptsJson(req);
        List<String> at = Arrays.stream(req.path().substring("/eureka/".length()).split("/")).filter(s -> !s.isEmpty()).toList();
        HttpMethod method = req.method();
        if (!at.isEmpty() && at.size() <= 2 && at.get(0).equals("apps") && method == HttpMethod.GET) {
            registry.fetched();     // what it answers may now sit in the client's caches: a drain waits for that
        }
        if (at.size() == 1 && at.get(0).equals("apps") && method == HttpMethod.GET) {
            json(ctx, 200, EurekaJson.applications(registry.snapshot()));
        } else if (at.size() == 2 && at.get(0).equals("apps") && at.get(1).equals("delta") && method == HttpMethod.GET) {
            json(ctx, 200, EurekaJson.delta(registry.delta()));
        } else if (at.size() == 2 && at.get(0).equals("apps") && method == HttpMethod.GET) {
            List<Listed> app = registry.snapshot().instances().stream().filter(i -> i.app().equalsIgnoreCase(at.get(1))).toList();
            if (app.isEmpty()) {
                throw unknownApp(at.get(1));
            }
            json(ctx, 200, EurekaJson.application(app.get(0).app(), app));
        } else if (at.size() == 2 && at.get(0).equals("apps") && method == HttpMethod.POST) {
            register(ctx, at.get(1));
        } else if (at.size() == 3 && at.get(0).equals("apps")) {
            instance(ctx, at.get(1), at.get(2));
        } else if (at.size() == 4 && at.get(0).equals("apps") && at.get(3).equals("status")) {
            status(ctx, at.get(1), at.get(2));
        } else if (at.size() == 2 && at.get(0).equals("instances") && method == HttpMethod.GET) {
            Listed listed = registry.snapshot().instances().stream().filter(i -> i.id().equals(at.get(1))).findFirst()
                    .orElseThrow(() -> unknownInstance("", at.get(1)));
            json(ctx, 200, EurekaJson.instanceDocument(listed));
        } else {
            throw UserError.notFound("registry.not_found", "no Eureka endpoint " + method + " " + req.path(),
                    "docs/API.md lists the registry's endpoints under /eureka/apps");
        }
    }

    private void register(RoutingContext ctx, String app) {
        String type = Optional.ofNullable(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)).orElse("application/json");
        if (type.contains("xml")) {
            throw new Unsupported(415, "this registry takes registrations in JSON, not " + type,
                    "send Content-Type: application/json, as Spring Cloud's Eureka client does");
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (JsonProcessingException e) {
            throw UserError.badRequest("registry.bad_registration", "the registration is not JSON: " + e.getOriginalMessage(),
                    "send {\"instance\": {...}} as Spring Cloud's Eureka client does");
        }
        if (body == null || body.isMissingNode()) {
            throw UserError.badRequest("registry.bad_registration", "the registration is empty", "send {\"instance\": {...}}");
        }
        boolean remote = !ctx.request().remoteAddress().hostAddress().startsWith("127.")
                && !ctx.request().remoteAddress().hostAddress().equals("0:0:0:0:0:0:0:1");
        registry.register(EurekaJson.registration(app, body).fromRemote(remote));
        ctx.response().setStatusCode(204).end();
    }

    /** {@code /eureka/apps/APP/ID}: GET, PUT (renew: 404 makes the client register again), DELETE (cancel). */
    private void instance(RoutingContext ctx, String app, String id) {
        switch (ctx.request().method().name()) {
            case "GET" -> json(ctx, 200, EurekaJson.instanceDocument(registry.snapshot().instances().stream()
                    .filter(i -> i.app().equalsIgnoreCase(app) && i.id().equals(id)).findFirst()
                    .orElseThrow(() -> unknownInstance(app, id))));
            case "PUT" -> done(ctx, registry.renew(app, id), app, id);
            case "DELETE" -> done(ctx, registry.cancel(app, id), app, id);
            default -> throw methodNotAllowed(ctx);
        }
    }

    /** {@code /eureka/apps/APP/ID/status}: PUT {@code ?value=OUT_OF_SERVICE} overrides, DELETE clears the override. */
    private void status(RoutingContext ctx, String app, String id) {
        switch (ctx.request().method().name()) {
            case "PUT" -> {
                String value = Optional.ofNullable(ctx.request().getParam("value")).orElseThrow(() -> UserError.badRequest(
                        "registry.bad_status", "the status override has no ?value=", "send ?value=OUT_OF_SERVICE (or UP, DOWN, ...)"));
                done(ctx, registry.override(app, id, Optional.of(Status.parse(value, "?value="))), app, id);
            }
            case "DELETE" -> done(ctx, registry.override(app, id, Optional.empty()), app, id);
            default -> throw methodNotAllowed(ctx);
        }
    }

    private static void done(RoutingContext ctx, boolean known, String app, String id) {
        if (!known) {
            throw unknownInstance(app, id);
        }
        ctx.response().setStatusCode(200).end();
    }

    /** The client asks for JSON; a client that accepts only XML is told this registry does not speak it. */
    private static void acceptsJson(HttpServerRequest req) {
        String accept = Optional.ofNullable(req.getHeader(HttpHeaders.ACCEPT)).orElse("*/*");
        if (accept.contains("xml") && !accept.contains("json") && !accept.contains("*/*")) {
            throw new Unsupported(406, "this registry answers in JSON, not " + accept,
                    "send Accept: application/json, as Spring Cloud's Eureka client does");
        }
    }

    private static UserError unknownApp(String app) {
        return UserError.notFound("registry.unknown_app", "no application " + app + " in the registry",
                "GET /eureka/apps lists the registered applications");
    }

    private static UserError unknownInstance(String app, String id) {
        return UserError.notFound("registry.unknown_instance", "no instance " + id + (app.isEmpty() ? "" : " of " + app)
                + " in the registry", "register it with POST /eureka/apps/APP; GET /eureka/apps lists what is registered");
    }

    private static Unsupported methodNotAllowed(RoutingContext ctx) {
        return new Unsupported(405, ctx.request().method() + " is not allowed on " + ctx.request().path(),
                "docs/API.md lists the registry's endpoints");
    }

    /** A 405, 406 or 415: not one of {@link UserError}'s statuses, answered the same way. */
    private static final class Unsupported extends RuntimeException {
        final int status;
        final String hint;

        Unsupported(int status, String message, String hint) {
            super(message);
            this.status = status;
            this.hint = hint;
        }
    }

    static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private static void error(RoutingContext ctx, NuboException e) {
        error(ctx, e.httpStatus(), e.code(), e.getMessage(), e.hint());
    }

    static void error(RoutingContext ctx, int status, String code, String message, String hint) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("hint", hint);
        json(ctx, status, Map.of("error", body));
    }
}
