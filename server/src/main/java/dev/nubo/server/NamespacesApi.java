package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.access.Tokens;
import dev.nubo.model.Namespaced;
import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import dev.nubo.store.Namespaces;
import dev.nubo.store.Store;
import dev.nubo.store.TokenRecord;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The namespaces part of the control API (docs/API.md, "Namespaces"): create, list, show, set quotas,
 * delete. A token limited to a namespace sees only that one; only an admin changes them.
 */
final class NamespacesApi {

    private final NamespaceQuotas namespaces;
    private final Store store;
    private final Tokens tokens;
    private final InstantSource clock;

    NamespacesApi(NamespaceQuotas namespaces, Store store, Tokens tokens, InstantSource clock) {
        this.namespaces = namespaces;
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    void mount(Router router) {
        router.post("/v1/namespaces").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(this::create, false);
        router.get("/v1/namespaces").blockingHandler(ctx -> {
            Optional<String> only = Optional.ofNullable(ctx.get(ApiAccess.NAMESPACE));
            ControlApi.json(ctx, 200, Map.of("namespaces", namespaces.all().stream()
                    .filter(n -> only.isEmpty() || only.get().equals(n.name())).map(this::view).toList()));
        }, false);
        router.get("/v1/namespaces/:name").blockingHandler(ctx ->
                ControlApi.json(ctx, 200, view(namespaces.existing(ctx.pathParam("name")))), false);
        router.put("/v1/namespaces/:name").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(this::set, false);
        router.delete("/v1/namespaces/:name").blockingHandler(this::delete, false);
    }

    /** {@code {"name": "team-a", "maxServices": 20, "maxInstances": 50, "maxMemory": "8Gi"}}; a quota left out is none. */
    private void create(RoutingContext ctx) {
        JsonNode body = EventsApi.jsonBody(ctx, "namespace");
        String name = Namespaced.check(body.path("name").asText(""));
        Namespaces.Namespace none = new Namespaces.Namespace(name, 0, 0, 0, clock.instant());
        Namespaces.Namespace ns = quotas(body, none);
        if (name.equals(Namespaced.DEFAULT) || !store.namespaces().create(ns)) {
            throw UserError.conflict("namespace.exists", "a namespace named " + name + " exists",
                    "pick another name; `nubo ns set " + name + "` changes its quotas");
        }
        namespaces.refresh();
        ControlApi.json(ctx, 201, view(ns));
    }

    /** Changes the quotas the body names, keeps the others; 0 lifts one. */
    private void set(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (name.equals(Namespaced.DEFAULT)) {
            throw UserError.badRequest("namespace.invalid", "the namespace default has no quotas",
                    "put services that need quotas in a namespace of their own: `nubo ns create NAME --max-services N`");
        }
        Namespaces.Namespace ns = quotas(EventsApi.jsonBody(ctx, "namespace"), namespaces.existing(name));
        store.namespaces().setQuotas(ns);
        namespaces.refresh();
        ControlApi.json(ctx, 200, view(ns));
    }

    private void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (name.equals(Namespaced.DEFAULT)) {
            throw UserError.badRequest("namespace.invalid", "the namespace default cannot be deleted", "delete its services instead");
        }
        namespaces.existing(name);
        List<String> services = namespaces.usage(name).services().stream().map(Namespaced::nameOf).toList();
        List<String> scoped = tokens.list().stream().filter(t -> t.namespace().equals(Optional.of(name))).map(TokenRecord::name).toList();
        if (!services.isEmpty() || !scoped.isEmpty()) {
            String holds = (services.isEmpty() ? "" : services.size() + " service(s): " + String.join(", ", services))
                    + (services.isEmpty() || scoped.isEmpty() ? "" : "; ")
                    + (scoped.isEmpty() ? "" : scoped.size() + " token(s): " + String.join(", ", scoped));
            throw UserError.conflict("namespace.not_empty", "namespace " + name + " is not empty: it holds " + holds,
                    "delete its services (`nubo delete -n " + name + " NAME`) and revoke its tokens (`nubo token revoke NAME`) first");
        }
        store.namespaces().delete(name);
        namespaces.refresh();
        ControlApi.json(ctx, 200, Map.of("deleted", name));
    }

    private static Namespaces.Namespace quotas(JsonNode body, Namespaces.Namespace base) {
        return new Namespaces.Namespace(base.name(), count(body, "maxServices", base.maxServices()), count(body, "maxInstances", base.maxInstances()),
                body.hasNonNull("maxMemory") ? memory(body.get("maxMemory")) : base.maxMemory(), base.createdAt());
    }

    private static long count(JsonNode body, String field, long otherwise) {
        if (!body.hasNonNull(field)) {
            return otherwise;
        }
        if (!body.get(field).canConvertToLong() || body.get(field).asLong() < 0) {
            throw UserError.badRequest("namespace.invalid", "`" + field + "` must be a whole number, 0 for no limit (got " + body.get(field) + ")",
                    "e.g. {\"" + field + "\": 20}");
        }
        return body.get(field).asLong();
    }

    private static long memory(JsonNode value) {
        if (value.canConvertToLong() && value.asLong() >= 0) {
            return value.asLong();
        }
        return Quantities.bytes(value.asText()).orElseThrow(() -> UserError.badRequest("namespace.invalid",
                "`maxMemory` must be a size such as 8Gi or 512Mi, 0 for no limit (got " + value + ")", "e.g. {\"maxMemory\": \"8Gi\"}"));
    }

    private Map<String, Object> view(Namespaces.Namespace n) {
        NamespaceQuotas.Usage used = namespaces.usage(n.name());
        Map<String, Object> quotas = new LinkedHashMap<>();
        quotas.put("maxServices", n.maxServices() == 0 ? null : n.maxServices());
        quotas.put("maxInstances", n.maxInstances() == 0 ? null : n.maxInstances());
        quotas.put("maxMemory", n.maxMemory() == 0 ? null : Quantities.formatBytes(n.maxMemory()));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("services", used.services().stream().map(Namespaced::nameOf).toList());
        usage.put("instances", used.instances());
        usage.put("memory", Quantities.formatBytes(used.memory()));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", n.name());
        view.put("quotas", quotas);
        view.put("usage", usage);
        return view;
    }
}
