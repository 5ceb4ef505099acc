package dev.nubo.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.config.ConfigCenter;
import dev.nubo.model.Json;
import dev.nubo.store.ConfigVersion;
import dev.nubo.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The configuration center's watch, as server-sent events like the registry's ({@code /v1/registry/watch}):
 * a {@code version} event at once and one more at each new version of the app's configuration or of
 * the shared {@code application}, for clients that have no refresh endpoint. With the token
 * ({@code GET /v1/config/APP/watch}) each event holds the keys as stored, secret references unresolved;
 * an instance, at its Spring configuration URL with {@code Accept: text/event-stream}, gets the keys
 * it resolves to, secrets resolved as for its Spring fetch.
 */
final class ConfigWatch {

    private ConfigWatch() {}

    static boolean wanted(RoutingContext ctx) {
        return Optional.ofNullable(ctx.request().getHeader(HttpHeaders.ACCEPT)).filter(a -> a.contains("text/event-stream")).isPresent();
    }

    /** Streams {@code payload} (read off the event loop: it reads the store) now and after each change {@code app} reads. */
    static void stream(RoutingContext ctx, ConfigCenter config, String app, Callable<Map<String, Object>> payload) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        Context context = Vertx.currentContext();
        // Ordered on this connection's context: events go out in the order the changes were made.
        Runnable send = () -> context.executeBlocking(payload, true).onComplete(done -> {
            if (response.ended() || response.closed()) {
                return;
            }
            if (done.succeeded()) {
                response.write(event(done.result()));
            } else {
                response.end();     // the app became unreadable (a bad name, say): the client sees the stream end
            }
        });
        Runnable stop = config.watch(app, v -> send.run());   // first, so no change falls between it and the first event
        response.closeHandler(v -> stop.run());
        send.run();
    }

    /** {@code {"app", "version", "sharedVersion", "change", "profiles"}}: as stored, for the token's watch. */
    static Map<String, Object> versions(Store store, String app) {
        Optional<ConfigVersion> own = store.config().latest(app);
        Map<String, Object> out = new LinkedHashMap<>(own.map(ConfigCenter::view).orElseGet(() -> new LinkedHashMap<>(Map.of("app", app,
                "version", 0, "profiles", Map.of()))));
        out.put("sharedVersion", shared(store));
        return out;
    }

    /** {@code {"app", "version", "sharedVersion", "properties"}}: what the instance resolves to. */
    static Map<String, Object> resolved(Store store, ConfigCenter config, String app, String profiles, String instance) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", app);
        out.put("version", store.config().latest(app).map(ConfigVersion::version).orElse(0));
        out.put("sharedVersion", shared(store));
        out.put("properties", config.resolved(app, profiles, Optional.of(instance)));
        return out;
    }

    private static int shared(Store store) {
        return store.config().latest("application").map(ConfigVersion::version).orElse(0);
    }

    private static String event(Map<String, Object> data) {
        try {
            return "id: " + data.get("version") + "." + data.get("sharedVersion") + "\nevent: version\ndata: "
                    + Json.mapper().writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a configuration event cannot be written as JSON", e);
        }
    }
}
