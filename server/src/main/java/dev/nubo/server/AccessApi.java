package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.access.Role;
import dev.nubo.access.Secrets;
import dev.nubo.access.Tokens;
import dev.nubo.model.UserError;
import dev.nubo.store.AuditLog;
import dev.nubo.store.SecretRecord;
import dev.nubo.store.TokenRecord;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access part of the control API (docs/API.md, "Access"): tokens, the audit log and secrets.
 * A token is in an answer once, when created; a secret's values never are.
 */
final class AccessApi {

    private static final int BODY_LIMIT = 1 << 20;

    private final Tokens tokens;
    private final Secrets secrets;
    private final SecretRollout rollout;
    private final AuditLog audit;
    private final InstantSource clock;
    private java.util.function.Consumer<String> namespaceExists = ns -> {};

    AccessApi(Tokens tokens, Secrets secrets, SecretRollout rollout, AuditLog audit, InstantSource clock) {
        this.tokens = tokens;
        this.secrets = secrets;
        this.rollout = rollout;
        this.audit = audit;
        this.clock = clock;
    }

    /** Checks that a namespace a token is limited to exists (throws a UserError if not). */
    AccessApi withNamespaces(java.util.function.Consumer<String> exists) {
        this.namespaceExists = exists;
        return this;
    }

    void mount(Router router) {
        router.post("/v1/tokens").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(this::createToken, false);
        router.get("/v1/tokens").blockingHandler(ctx -> ControlApi.json(ctx, 200,
                Map.of("tokens", tokens.list().stream().map(AccessApi::token).toList())), false);
        router.delete("/v1/tokens/:name").blockingHandler(ctx -> {
            tokens.revoke(ctx.pathParam("name"));
            ControlApi.json(ctx, 200, Map.of("revoked", ctx.pathParam("name")));
        }, false);
        router.get("/v1/audit").blockingHandler(ctx -> {
            Instant since = since(ctx.request().getParam("since", "1d"));
            int limit = ControlApi.intParam(ctx, "limit", 1000, 1, 100_000);
            ControlApi.json(ctx, 200, Map.of("entries", audit.since(since, limit)));
        }, false);
        router.get("/v1/secrets").blockingHandler(ctx -> ControlApi.json(ctx, 200,
                Map.of("secrets", secrets.list().stream().map(AccessApi::secret).toList())), false);
        router.put("/v1/secrets/:name").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).blockingHandler(this::setSecret, false);
        router.delete("/v1/secrets/:name").blockingHandler(ctx -> {
            String name = ctx.pathParam("name");
            List<String> users = rollout.users(name);
            if (!users.isEmpty()) {
                throw UserError.conflict("secret.in_use", "secret " + name + " is used by " + String.join(", ", users),
                        "deploy them without the reference (or delete them) first; a running instance would lose it at its next start");
            }
            secrets.delete(name);
            ControlApi.json(ctx, 200, Map.of("deleted", name));
        }, false);
    }

    /** {@code {"name": "ci", "role": "developer", "brokers": ["orders"], "expires": "30d"}}. */
    private void createToken(RoutingContext ctx) {
        JsonNode body = EventsApi.jsonBody(ctx, "token");
        String name = body.path("name").asText("");
        Role role = Role.parse(body.path("role").asText(""));
        List<String> brokers = new ArrayList<>();
        body.path("brokers").forEach(b -> brokers.add(b.asText()));
        Optional<Duration> ttl = body.hasNonNull("expires") ? Optional.of(Tokens.ttl(body.get("expires").asText())) : Optional.empty();
        Optional<String> namespace = body.hasNonNull("namespace") ? Optional.of(body.get("namespace").asText()) : Optional.empty();
        namespace.filter(ns -> !ns.equals(dev.nubo.model.Namespaced.DEFAULT) && dev.nubo.model.Namespaced.NAME.matcher(ns).matches())
                .ifPresent(namespaceExists);
        Tokens.Issued issued = tokens.create(name, role, brokers, ttl, namespace);
        Map<String, Object> view = token(issued.record());
        view.put("token", issued.token());
        ControlApi.json(ctx, 201, view);
    }

    /** {@code {"values": {"password": "..."}}}: sets those keys, keeps the others, rolls the services that use it if a value changed. */
    private void setSecret(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        JsonNode values = EventsApi.jsonBody(ctx, "secret").path("values");
        if (!values.isObject()) {
            throw UserError.badRequest("request.invalid", "the secret body must hold `values`, an object of keys to strings",
                    "send {\"values\": {\"password\": \"...\"}}");
        }
        Map<String, String> map = new LinkedHashMap<>();
        values.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        Secrets.Stored stored = secrets.set(name, map);
        Map<String, Object> view = secret(stored.record());
        view.put("changed", stored.changed());
        view.put("rolled", stored.changed() ? rollout.roll(name) : List.of());
        ControlApi.json(ctx, 200, view);
    }

    private Instant since(String text) {
        try {
            return clock.instant().minus(Tokens.ttl(text));
        } catch (UserError e) {
            try {
                return Instant.parse(text);
            } catch (java.time.format.DateTimeParseException ignored) {
                throw UserError.badRequest("request.invalid", "`since` must be a time ago such as 1d, 12h, 30m, or an instant (got '" + text + "')",
                        "e.g. ?since=1d or ?since=2026-12-03T12:00:00Z");
            }
        }
    }

    private static Map<String, Object> token(TokenRecord t) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", t.name());
        view.put("role", t.role());
        view.put("brokers", t.brokers());
        view.put("namespace", t.namespace().orElse(null));
        view.put("createdAt", t.createdAt().toString());
        view.put("expiresAt", t.expiresAt().map(Instant::toString).orElse(null));
        return view;
    }

    private static Map<String, Object> secret(SecretRecord s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", s.name());
        view.put("keys", s.keys());
        view.put("version", s.version());
        view.put("updatedAt", s.updatedAt().toString());
        return view;
    }
}
