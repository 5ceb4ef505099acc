package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.apis.Api;
import dev.nubo.apis.ApiKeys;
import dev.nubo.apis.UsagePlan;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The APIs part of the control API (docs/API.md, "APIs"): deploy an OpenAPI document to a stage,
 * list, roll back and delete APIs, and make, list and revoke their keys and read their usage.
 */
final class ApisApi {

    private static final int DOCUMENT_LIMIT = 1 << 20;

    private final ApiCatalog catalog;
    private final Urls urls;

    ApisApi(ApiCatalog catalog, Urls urls) {
        this.catalog = catalog;
        this.urls = urls;
    }

    void mount(Router router) {
        router.post("/v1/apis").handler(BodyHandler.create().setBodyLimit(DOCUMENT_LIMIT)).blockingHandler(ctx -> {
            JsonNode body = body(ctx);
            String document = body.path("document").asText("");
            if (document.isBlank()) {
                throw UserError.badRequest("request.invalid", "the body has no document", "send {\"document\": \"<OpenAPI YAML or JSON>\", \"stage\": \"prod\"}");
            }
            Map<String, String> variables = new TreeMap<>();
            body.path("variables").fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
            Api api = catalog.deploy(document, body.path("stage").asText("prod"), variables);
            ControlApi.json(ctx, 201, view(api));
        }, false);
        router.get("/v1/apis").blockingHandler(ctx -> ControlApi.json(ctx, 200,
                Map.of("apis", catalog.serving().stream().map(this::view).toList())), false);
        router.post("/v1/apis/:name/stages/:stage/rollback").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(ctx -> {
            JsonNode body = ctx.body().length() == 0 ? Json.mapper().createObjectNode() : body(ctx);
            Optional<Integer> version = body.hasNonNull("version") ? Optional.of(body.get("version").asInt()) : Optional.empty();
            ControlApi.json(ctx, 200, view(catalog.rollback(ctx.pathParam("name"), ctx.pathParam("stage"), version)));
        }, false);
        router.delete("/v1/apis/:name").blockingHandler(ctx -> {
            catalog.delete(ctx.pathParam("name"));
            ControlApi.json(ctx, 200, Map.of("deleted", ctx.pathParam("name")));
        }, false);
        router.post("/v1/apis/:name/keys").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(ctx -> {
            String api = known(ctx.pathParam("name"));
            JsonNode body = ctx.body().length() == 0 ? Json.mapper().createObjectNode() : body(ctx);
            UsagePlan plan;
            try {
                UsagePlan d = UsagePlan.defaults();
                plan = new UsagePlan(body.path("rate").asDouble(d.rate()), body.path("burst").asInt(d.burst()), body.path("dailyQuota").asLong(0));
            } catch (IllegalArgumentException e) {
                throw UserError.badRequest("request.invalid", e.getMessage(), "pass --rate N (requests/s), --burst N and --quota N (per day, 0: none)");
            }
            ApiKeys.Created created = catalog.keys().create(api, plan, catalog.clock().instant());
            catalog.saveKeys();
            Map<String, Object> view = key(created.key());
            view.put("key", created.secret());
            ControlApi.json(ctx, 201, view);
        }, false);
        router.get("/v1/apis/:name/keys").handler(ctx -> ControlApi.json(ctx, 200, Map.of("keys", catalog.keys().keys().stream()
                .filter(k -> k.api().equals(ctx.pathParam("name"))).map(ApisApi::key).toList())));
        router.delete("/v1/apis/:name/keys/:id").blockingHandler(ctx -> {
            var revoked = catalog.keys().revoke(ctx.pathParam("id")).filter(k -> k.api().equals(ctx.pathParam("name")))
                    .orElseThrow(() -> UserError.notFound("api.key_not_found", "API " + ctx.pathParam("name") + " has no key "
                            + ctx.pathParam("id"), "`nubo apikey list --api " + ctx.pathParam("name") + "` lists its keys"));
            catalog.saveKeys();
            ControlApi.json(ctx, 200, key(revoked));
        }, false);
        router.get("/v1/apis/:name/usage").handler(ctx -> ControlApi.json(ctx, 200,
                Map.of("api", ctx.pathParam("name"), "keys", catalog.keys().usage(ctx.pathParam("name")))));
    }

    private String known(String name) {
        if (!catalog.exists(name)) {
            throw UserError.notFound("api.not_found", "there is no API " + name, "deploy one first: `nubo api deploy openapi.yaml`");
        }
        return name;
    }

    private Map<String, Object> view(Api api) {
        ApiCatalog.Stage stage = catalog.stage(api);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", api.name());
        view.put("stage", api.stage());
        view.put("version", api.version());
        view.put("versions", stage.versions());
        view.put("url", urls.service(api.name()) + api.stage());
        view.put("variables", api.stageVariables());
        view.put("operations", api.operations().stream().map(o -> Map.of("route", o.routeKey(),
                "to", o.integration().map(i -> i.service() + " " + i.path()).orElse("mock"),
                "security", o.security())).toList());
        return view;
    }

    private static Map<String, Object> key(dev.nubo.apis.ApiKey k) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", k.id());
        view.put("api", k.api());
        view.put("plan", k.plan());
        view.put("created", k.created().toString());
        view.put("revoked", k.revoked());
        return view;
    }

    private static JsonNode body(RoutingContext ctx) {
        try {
            return Json.mapper().readTree(ctx.body().buffer().getBytes());
        } catch (java.io.IOException e) {
            throw UserError.badRequest("request.invalid", "the body is not JSON: " + e.getMessage(), "see docs/API.md, \"APIs\"");
        }
    }

}
