package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.config.ConfigCenter;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import dev.nubo.store.ConfigVersion;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.Store;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration center's part of the control API (docs/API.md, "Configuration"): keys set,
 * imported, listed, their history and rollbacks, which instance received which version, behind the
 * bearer token; and the Spring Cloud Config Server protocol for instances ({@code /config/...}),
 * each instance with its own credential in the URL Nubo gives it. Every call reads the store, so all
 * run off the event loop.
 */
final class ConfigApi {

    private static final int BODY_LIMIT = 1 << 20;
    private static final String HINT = "see docs/API.md, \"Configuration\"";

    private final ConfigCenter config;
    private final Store store;
    private final InstantSource clock;

    ConfigApi(ConfigCenter config, Store store, InstantSource clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/v1/config").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("apps", config.apps())), false);
        router.get("/v1/config/:app").blockingHandler(ctx -> ControlApi.json(ctx, 200, ConfigCenter.view(config.latest(ctx.pathParam("app")))), false);
        router.post("/v1/config/:app").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).blockingHandler(ctx -> {
            String app = ctx.pathParam("app");
            JsonNode body = body(ctx);
            Map<String, String> set = new LinkedHashMap<>();
            body.path("set").properties().forEach(e -> set.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            List<String> unset = new ArrayList<>();
            body.path("unset").forEach(k -> unset.add(k.asText()));
            boolean rollout = body.path("rollout").asBoolean(false);
            Optional<RevisionRecord> newest = rollout ? Optional.of(newest(app)) : Optional.empty();
            String profile = body.path("profile").asText(ConfigVersion.DEFAULT_PROFILE);
            ConfigVersion v = rollout ? config.setQuietly(app, profile, set, unset) : config.set(app, profile, set, unset);
            changed(ctx, v, newest);
        }, false);
        router.post("/v1/config/:app/import").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).blockingHandler(ctx -> {
            JsonNode body = body(ctx);
            String file = body.path("file").asText("");
            if (file.isEmpty() || !body.path("text").isTextual()) {
                throw UserError.badRequest("request.invalid", "the import body needs \"file\" (its name, for its format) and \"text\"", HINT);
            }
            changed(ctx, config.importFile(ctx.pathParam("app"), body.path("profile").asText(ConfigVersion.DEFAULT_PROFILE), file,
                    body.get("text").asText()), Optional.empty());
        }, false);
        router.get("/v1/config/:app/history").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("versions",
                config.history(ctx.pathParam("app")).stream().map(ConfigCenter::view).toList())), false);
        router.post("/v1/config/:app/rollback").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(ctx -> {
            JsonNode version = body(ctx).path("version");
            if (!version.canConvertToInt() || version.asInt() < 1) {
                throw UserError.badRequest("request.invalid", "the rollback body needs \"version\": a version number from the history",
                        "e.g. {\"version\": 3}");
            }
            changed(ctx, config.rollback(ctx.pathParam("app"), version.asInt()), Optional.empty());
        }, false);
        router.get("/v1/config/:app/status").blockingHandler(ctx -> ControlApi.json(ctx, 200, status(ctx.pathParam("app"))), false);
        // Server-sent events with Accept: text/event-stream; else the versions now, as one answer.
        router.get("/v1/config/:app/watch").handler(ctx -> {
            if (ConfigWatch.wanted(ctx)) {
                ConfigWatch.stream(ctx, config, ctx.pathParam("app"), () -> ConfigWatch.versions(store, ctx.pathParam("app")));
            } else {
                ctx.next();
            }
        });
        router.get("/v1/config/:app/watch").blockingHandler(ctx -> ControlApi.json(ctx, 200,
                ConfigWatch.versions(store, ctx.pathParam("app"))), false);
    }

    /**
     * The Spring Cloud Config Server's routes, at the URL each instance is given:
     * {@code /config/INSTANCE/CREDENTIAL/{application}/{profile}[/{label}]}, and the
     * {@code /{application}-{profile}.properties|.yml} views.
     */
    void mountPublic(Router router) {
        // The same URL with Accept: text/event-stream: the resolved keys now and at each change (ConfigWatch), for non-Spring apps.
        router.get("/config/:instance/:credential/:application/:profile").handler(ctx -> {
            if (!ConfigWatch.wanted(ctx)) {
                ctx.next();
                return;
            }
            String instance = authorized(ctx);
            String app = ctx.pathParam("application");
            ConfigWatch.stream(ctx, config, app, () -> ConfigWatch.resolved(store, config, app, ctx.pathParam("profile"), instance));
        });
        router.get("/config/:instance/:credential/:application/:profile").blockingHandler(ctx -> environment(ctx, Optional.empty()), false);
        router.get("/config/:instance/:credential/:application/:profile/:label").blockingHandler(ctx ->
                environment(ctx, Optional.of(ctx.pathParam("label"))), false);
        router.get("/config/:instance/:credential/:file").blockingHandler(this::file, false);
    }

    private void environment(RoutingContext ctx, Optional<String> label) {
        String instance = authorized(ctx);
        ControlApi.json(ctx, 200, config.environment(ctx.pathParam("application"), ctx.pathParam("profile"), label, Optional.of(instance)));
    }

    /** {@code orders-prod.properties} or {@code orders-prod.yml}: the keys the application resolves to, flat. */
    private void file(RoutingContext ctx) {
        String instance = authorized(ctx);
        String file = ctx.pathParam("file");
        int dot = file.lastIndexOf('.');
        String extension = dot < 0 ? "" : file.substring(dot + 1);
        String name = dot < 0 ? file : file.substring(0, dot);
        int dash = name.lastIndexOf('-');
        if (!List.of("properties", "yml", "yaml").contains(extension) || dash <= 0) {
            throw UserError.notFound("api.not_found", "no configuration file " + file,
                    "ask for /{application}/{profile}, or /{application}-{profile}.properties or .yml");
        }
        Map<String, String> keys = config.resolved(name.substring(0, dash), name.substring(dash + 1), Optional.of(instance));
        StringBuilder out = new StringBuilder();
        boolean yaml = !extension.equals("properties");
        keys.forEach((k, v) -> out.append(yaml ? k + ": " + yamlScalar(v) : escape(k) + "=" + escape(v)).append('\n'));
        ctx.response().putHeader("Content-Type", yaml ? "text/plain; charset=utf-8" : "text/plain; charset=utf-8").end(out.toString());
    }

    private String authorized(RoutingContext ctx) {
        String instance = ctx.pathParam("instance");
        if (!config.verify(instance, ctx.pathParam("credential"))) {
            throw UserError.unauthorized("this configuration URL is not valid on this server",
                    "an instance reads its configuration at the URL Nubo gives it in SPRING_CONFIG_IMPORT");
        }
        return instance;
    }

    private Map<String, Object> status(String app) {
        List<Map<String, Object>> instances = config.status(app).stream().map(s -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("instance", s.instance());
            s.fetched().ifPresent(f -> {
                out.put("version", f.version());
                out.put("fetchedAt", f.at().toString());
                if (!f.app().equals(app)) {
                    out.put("app", f.app());
                }
            });
            s.push().ifPresent(p -> out.put("push", Map.of("version", p.version(), "at", p.at().toString(), "outcome", p.outcome())));
            return out;
        }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", app);
        out.put("version", store.config().latest(app).map(ConfigVersion::version).orElse(0));
        out.put("instances", instances);
        return out;
    }

    /** Answers with the new version; with a rollout, first records a new revision of the service with the same code. */
    private void changed(RoutingContext ctx, ConfigVersion v, Optional<RevisionRecord> rollout) {
        Map<String, Object> out = ConfigCenter.view(v);
        rollout.ifPresent(r -> {
            RevisionRecord next = store.createRevision(r.service(), r.descriptorYaml(), r.digest(), clock.instant());
            store.addEvent(r.service(), Optional.of(next.id()), clock.instant(),
                    next.id() + " created from " + r.id() + " to roll out configuration version " + v.version());
            out.put("revision", next.id());
        });
        ControlApi.json(ctx, 200, out);
    }

    private RevisionRecord newest(String service) {
        return store.revisions(service).stream().findFirst().orElseThrow(() -> UserError.notFound("service.not_found",
                "no service " + service + " to roll out", "--rollout starts a new revision of the service of the same name; deploy it first"));
    }

    private static JsonNode body(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw UserError.badRequest("request.invalid", "the request body is empty", HINT);
        }
        try {
            JsonNode node = Json.mapper().readTree(body.getBytes());
            if (!node.isObject()) {
                throw UserError.badRequest("request.invalid", "the request body must be a JSON object", HINT);
            }
            return node;
        } catch (java.io.IOException e) {
            throw UserError.badRequest("request.invalid", "the request body is not JSON: " + e.getMessage(), HINT);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:");
    }

    private static String yamlScalar(String v) {
        return "'" + v.replace("'", "''") + "'";
    }
}
