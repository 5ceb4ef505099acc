package dev.nubo.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.model.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Nubo's own view of the registry, for clients that do not speak Eureka: {@code GET /v1/registry}
 * lists it, {@code GET /v1/registry/watch} streams it as server-sent events: a {@code snapshot}
 * first, then one {@code change} event per change as it happens (no polling interval), each with
 * the version as its event id, so a client that reconnects with {@code Last-Event-ID} (or
 * {@code ?since=}) gets only what it missed (or a new snapshot when that is older than the
 * registry keeps).
 */
final class RegistryWatch {

    private final Registry registry;

    RegistryWatch(Registry registry) {
        this.registry = registry;
    }

    void mount(Router router) {
        router.get("/v1/registry").handler(ctx -> RegistryApi.json(ctx, 200, list(registry.snapshot())));
        router.get("/v1/registry/watch").handler(this::watch);
    }

    private void watch(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        Optional<Long> since = Optional.ofNullable(ctx.request().getHeader("Last-Event-ID"))
                .or(() -> Optional.ofNullable(ctx.request().getParam("since"))).flatMap(RegistryWatch::version);
        // Changes come on whichever thread made them; each is written on this connection's own context, in order.
        Context context = Vertx.currentContext();
        AtomicReference<Runnable> stop = new AtomicReference<>(() -> {});
        Registry.Snapshot snapshot = registry.watchFrom(change -> context.runOnContext(v -> {
            if (!response.ended() && !response.closed()) {
                response.write(event("change", change.version(), change(change)));
            }
        }), stop::set);
        response.closeHandler(v -> stop.get().run());
        Optional<List<Change>> missed = since.flatMap(v -> registry.since(v).map(all -> all.stream()
                .filter(c -> c.version() <= snapshot.version()).toList()));
        if (missed.isPresent()) {
            missed.get().forEach(c -> response.write(event("change", c.version(), change(c))));
            if (missed.get().isEmpty()) {
                response.write(": up to date at version " + snapshot.version() + "\n\n");
            }
        } else {
            response.write(event("snapshot", snapshot.version(), list(snapshot)));
        }
    }

    private static String event(String name, long version, Object data) {
        try {
            return "id: " + version + "\nevent: " + name + "\ndata: " + Json.mapper().writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registry event cannot be written as JSON", e);
        }
    }

    /** {@code {"version": 7, "services": [{"name": "hello", "instances": [...]}]}}. */
    static Map<String, Object> list(Registry.Snapshot snapshot) {
        Map<String, List<Map<String, Object>>> apps = new LinkedHashMap<>();
        snapshot.instances().forEach(i -> apps.computeIfAbsent(i.app().toLowerCase(Locale.ROOT), a -> new ArrayList<>()).add(instance(i)));
        List<Map<String, Object>> services = new ArrayList<>();
        apps.forEach((name, instances) -> services.add(Map.of("name", name, "instances", instances)));
        return Map.of("version", snapshot.version(), "services", services);
    }

    private static Map<String, Object> change(Change c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", c.version());
        m.put("action", c.action().name());
        m.put("service", c.instance().app().toLowerCase(Locale.ROOT));
        m.put("instance", instance(c.instance()));
        return m;
    }

    private static Map<String, Object> instance(Listed i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("host", i.host());
        m.put("port", i.port());
        m.put("status", i.status().name());
        m.put("source", i.source().name().toLowerCase(Locale.ROOT));
        i.nuboInstance().ifPresent(n -> m.put("nuboInstance", n));
        return m;
    }

    private static Optional<Long> version(String s) {
        try {
            return Optional.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
