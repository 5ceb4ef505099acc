package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.events.Eventing;
import dev.nubo.events.SourceStore;
import dev.nubo.events.SourceStore.SourceRecord;
import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.Failure;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event sources that run inside the server, one runner per stored definition ({@link SourceStore},
 * so they come back after a restart), each handing what it produces to {@link Eventing} through a sink
 * whose direct deliveries are recorded as {@code source:NAME}. What differs by kind is its
 * {@link SourceKind}'s.
 *
 * <p>The JSON of a source (docs/API.md): {@code {"name","kind":"cron|webhook|kafka","to":DESTINATION,
 * KIND:{…settings}}}; shown with {@code createdAt}, the kind's settings as it reports them, and a
 * {@code status}.
 */
final class Sources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sources.class);

    /** A source that could not start, and why: shown as {@code failed} with its stored settings. */
    private record Failed(SourceKind kind, JsonNode settings, Failure why) implements SourceKind.Running {
        @Override
        public void describe(ObjectNode node, ObjectNode status) {
            node.set(kind.name(), kind.shown(settings));
            status.put("state", "failed");
            SourceKind.lastError(status, Optional.of(why));
        }

        @Override
        public void stop() {}
    }

    private final Eventing eventing;
    private final SourceStore store;
    private final Vertx vertx;
    private final InstantSource clock;
    private final Urls urls;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nubo-cron").daemon().factory());
    private final Map<String, SourceKind.Running> running = new ConcurrentHashMap<>();

    private final dev.nubo.access.Secrets secrets;

    Sources(Eventing eventing, SourceStore store, Vertx vertx, InstantSource clock, Urls urls, dev.nubo.access.Secrets secrets) {
        this.secrets = secrets;
        this.eventing = eventing;
        this.store = store;
        this.vertx = vertx;
        this.clock = clock;
        this.urls = urls;
    }

    /** Starts every stored source; one that cannot start is logged and shown as failed, not fatal to the server. */
    void startAll() {
        for (SourceRecord s : store.all()) {
            running.put(s.name(), startOrFail(s));
        }
    }

    /** Validates, stores and starts a source; returns its view. */
    ObjectNode create(JsonNode body) {
        String name = body.path("name").asText("");
        SourceKind kind = SourceKind.named(body.path("kind").asText(""));
        if (!body.path(kind.name()).isObject()) {
            throw UserError.badRequest("source.invalid", "the " + kind.name() + " source " + name + " has no \"" + kind.name()
                    + "\" settings", "see docs/API.md, POST /v1/sources");
        }
        ObjectNode spec = body.deepCopy();
        spec.remove(List.of("name", "kind"));
        Destination to = to(spec);
        kind.validate(name, to, spec.path(kind.name())); // everything, before anything is stored
        if (to instanceof Destination.Broker b) {
            eventing.requireBroker(b.name());
        }
        if (spec.path(kind.name()) instanceof ObjectNode settings) {
            // Credentials are sealed before they are stored (AES-GCM under the master key, bound to this source and field).
            kind.credentials().stream().filter(f -> settings.path(f).isTextual()).forEach(f ->
                    settings.put(f, secrets.sealValue(purpose(name, f), settings.get(f).asText())));
        }
        SourceRecord record = new SourceRecord(name, kind.name(), spec.toString(), clock.instant());
        store.create(record);
        running.put(name, startOrFail(record));
        return view(record);
    }

    List<ObjectNode> list() {
        return store.all().stream().map(this::view).toList();
    }

    ObjectNode get(String name) {
        return view(record(name));
    }

    void delete(String name) {
        record(name);
        SourceKind.Running r = running.remove(name);
        if (r != null) {
            r.stop();
        }
        store.delete(name);
    }

    /**
     * A POST to {@code /v1/webhooks/NAME}: checked, turned into a CloudEvent, and stored; completes with the
     * event id. Failures are the webhook's business: it records them in its status and logs them.
     */
    Future<String> webhook(String name, Function<String, String> header, byte[] body) {
        if (!(running.get(name) instanceof WebhookKind.Hook hook)) {
            return Future.failedFuture(UserError.notFound("webhook.not_found", "no webhook source named " + name,
                    "`nubo source list` shows the sources; create one with `nubo source create webhook " + name + " --broker default`"));
        }
        return Future.fromCompletionStage(hook.source().receive(header, body), vertx.getOrCreateContext());
    }

    /** Starts {@code s}; whatever stops it (an Error too, such as a class missing from the distribution) is logged and kept as its status. */
    private SourceKind.Running startOrFail(SourceRecord s) {
        SourceKind kind = SourceKind.named(s.kind());
        JsonNode spec = spec(s);
        try {
            JsonNode settings = spec.path(kind.name()).deepCopy();
            if (settings instanceof ObjectNode o) {
                // Sealed credentials are opened for the running source only; one stored before sealing is used as it is.
                kind.credentials().stream().filter(f -> o.path(f).isTextual() && dev.nubo.access.Secrets.isSealed(o.get(f).asText()))
                        .forEach(f -> o.put(f, secrets.openValue(purpose(s.name(), f), o.get(f).asText())));
            }
            return kind.start(s.name(), to(spec), settings, new SourceKind.Context(eventing.sink("source:" + s.name()),
                    store.state(), clock, timer, urls));
        } catch (RuntimeException | Error e) {
            log.error("the source {} cannot start: {}", s.name(), Failure.describe(e), e);
            return new Failed(kind, spec.path(kind.name()), Failure.of(clock.instant(), "it could not start", e));
        }
    }

    private static String purpose(String source, String field) {
        return "source:" + source + ":" + field;
    }

    private static Destination to(JsonNode spec) {
        return Destination.parse(spec.path("to").asText(""));
    }

    private static JsonNode spec(SourceRecord s) {
        try {
            return Json.mapper().readTree(s.spec());
        } catch (IOException e) {
            throw new IllegalStateException("the stored spec of source " + s.name() + " is not JSON: " + e.getMessage(), e);
        }
    }

    private SourceRecord record(String name) {
        return store.get(name).orElseThrow(() -> UserError.notFound("source.not_found", "no source named " + name,
                "`nubo source list` shows the sources"));
    }

    private ObjectNode view(SourceRecord s) {
        JsonNode spec = spec(s);
        SourceKind kind = SourceKind.named(s.kind());
        ObjectNode node = Json.mapper().createObjectNode().put("name", s.name()).put("kind", s.kind())
                .put("to", to(spec).toString()).put("createdAt", s.createdAt().toString());
        ObjectNode status = Json.mapper().createObjectNode();
        SourceKind.Running r = running.get(s.name());
        if (r == null) {
            node.set(kind.name(), kind.shown(spec.path(kind.name())));
            status.put("state", "stopped"); // deleted while this view was being made
            SourceKind.lastError(status, Optional.empty());
        } else {
            r.describe(node, status);
        }
        node.set("status", status);
        return node;
    }

    @Override
    public void close() {
        running.values().forEach(SourceKind.Running::stop);
        running.clear();
        timer.shutdownNow();
    }
}
