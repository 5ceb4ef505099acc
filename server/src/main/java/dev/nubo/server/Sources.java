package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.events.Eventing;
import dev.nubo.eventsink.Failure;
import dev.nubo.events.SourceStore;
import dev.nubo.kafkasource.KafkaSource;
import dev.nubo.kafkasource.KafkaSourceConfig;
import dev.nubo.kafkasource.KafkaSourceStatus;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import dev.nubo.sources.CronConfig;
import dev.nubo.sources.CronSchedule;
import dev.nubo.sources.CronSource;
import dev.nubo.sources.EventTemplate;
import dev.nubo.sources.Webhook;
import dev.nubo.sources.WebhookConfig;
import dev.nubo.sources.WebhookSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * The event sources that run inside the server: cron schedules, webhooks and Kafka consumers. Their
 * definitions live in the event log (so they come back after a restart); this class starts one
 * runner per definition and hands what they produce to {@link Eventing}, each through a sink whose
 * direct deliveries are recorded as {@code source:NAME}.
 *
 * <p>The JSON of a source (docs/API.md): {@code {"name","kind":"cron|webhook|kafka","to":DESTINATION,
 * "cron":{"schedule","timeZone","type","data","contentType"} | "webhook":{"secret","type"} |
 * "kafka":{"bootstrapServers","topic","group"}}}. A webhook's secret is stored, never shown.
 */
final class Sources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sources.class);
    private static final List<String> KINDS = List.of("cron", "webhook", "kafka");

    /** One source as this server runs it, or the reason it could not start. */
    private sealed interface Running permits Cron, Hook, Kafka, Failed {
        void stop();
    }

    private record Cron(CronSource source) implements Running {
        public void stop() {
            source.close();
        }
    }

    private record Hook(WebhookSource source) implements Running {
        public void stop() {}
    }

    private record Kafka(KafkaSource source) implements Running {
        public void stop() {
            source.close();
        }
    }

    private record Failed(Failure why) implements Running {
        public void stop() {}
    }

    private final Eventing eventing;
    private final Vertx vertx;
    private final InstantSource clock;
    private final Urls urls;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nubo-cron").daemon().factory());
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    Sources(Eventing eventing, Vertx vertx, InstantSource clock, Urls urls) {
        this.eventing = eventing;
        this.vertx = vertx;
        this.clock = clock;
        this.urls = urls;
    }

    /** Starts every stored source; one that cannot start is logged and shown as failed, not fatal to the server. */
    void startAll() {
        for (SourceStore.SourceRecord s : eventing.sourceStore().all()) {
            running.put(s.name(), startOrFail(s));
        }
    }

    /** Validates, stores and starts a source; returns its view. */
    ObjectNode create(JsonNode body) {
        String name = body.path("name").asText("");
        String kind = body.path("kind").asText("");
        if (!KINDS.contains(kind)) {
            throw UserError.badRequest("source.invalid", "'" + kind + "' is not a source kind", "use cron, webhook or kafka");
        }
        if (!body.path(kind).isObject()) {
            throw UserError.badRequest("source.invalid", "the " + kind + " source " + name + " has no \"" + kind + "\" settings",
                    "see docs/API.md, POST /v1/sources");
        }
        ObjectNode spec = body.deepCopy();
        spec.remove(List.of("name", "kind"));
        SourceStore.SourceRecord record = new SourceStore.SourceRecord(name, kind, spec, clock.instant());
        config(record); // validates everything before anything is stored
        if (Destination.parse(spec.path("to").asText("")) instanceof Destination.Broker b) {
            eventing.requireBroker(b.name());
        }
        eventing.sourceStore().create(record);
        running.put(name, startOrFail(record));
        return view(record);
    }

    List<ObjectNode> list() {
        return eventing.sourceStore().all().stream().map(this::view).toList();
    }

    ObjectNode get(String name) {
        return view(record(name));
    }

    void delete(String name) {
        record(name);
        Running r = running.remove(name);
        if (r != null) {
            r.stop();
        }
        eventing.sourceStore().delete(name);
    }

    /**
     * A POST to {@code /v1/webhooks/NAME}: checked, turned into a CloudEvent, and stored; completes with the
     * event id. Failures are the webhook's business: it records them in its status and logs them.
     */
    Future<String> webhook(String name, Function<String, String> header, byte[] body) {
        if (!(running.get(name) instanceof Hook hook)) {
            return Future.failedFuture(UserError.notFound("webhook.not_found", "no webhook source named " + name,
                    "`nubo source list` shows the sources; create one with `nubo source create webhook " + name + " --broker default`"));
        }
        return Future.fromCompletionStage(hook.source().receive(header, body), vertx.getOrCreateContext());
    }

    /** Starts {@code s}; whatever stops it (an Error too, such as a class missing from the distribution) is logged and kept as its status. */
    private Running startOrFail(SourceStore.SourceRecord s) {
        try {
            return start(s);
        } catch (RuntimeException | Error e) {
            log.error("the source {} cannot start: {}", s.name(), Failure.describe(e), e);
            return new Failed(Failure.of(clock.instant(), "it could not start", e));
        }
    }

    private Running start(SourceStore.SourceRecord s) {
        return switch (config(s)) {
            case CronConfig c -> {
                CronSource source = new CronSource(c, eventing.sink("source:" + s.name()), eventing.sourceStore().state(), clock, timer);
                source.start();
                yield new Cron(source);
            }
            case WebhookConfig w -> new Hook(new WebhookSource(w, eventing.sink("source:" + s.name()), clock));
            case KafkaSourceConfig k -> new Kafka(KafkaSource.start(k, eventing.sink("source:" + s.name()), clock));
            default -> throw new IllegalStateException("no runner for " + s.kind());
        };
    }

    /** The validated settings of {@code s}: a CronConfig, WebhookConfig or KafkaSourceConfig. */
    private static Object config(SourceStore.SourceRecord s) {
        JsonNode spec = s.spec();
        Destination to = Destination.parse(spec.path("to").asText(""));
        JsonNode settings = spec.path(s.kind());
        return switch (s.kind()) {
            case "cron" -> {
                EventTemplate template = EventTemplate.of(text(settings, "type").orElse(EventTemplate.DEFAULT_TYPE));
                Optional<String> data = text(settings, "data");
                if (data.isPresent()) {
                    template = template.withData(text(settings, "contentType").orElse("application/json"),
                            data.get().getBytes(StandardCharsets.UTF_8));
                }
                yield new CronConfig(s.name(), CronSchedule.parse(settings.path("schedule").asText(""),
                        text(settings, "timeZone").orElse(null)), to, template);
            }
            case "webhook" -> new WebhookConfig(s.name(), text(settings, "secret"), text(settings, "type"), to);
            case "kafka" -> new KafkaSourceConfig(s.name(), settings.path("bootstrapServers").asText(""),
                    settings.path("topic").asText(""), text(settings, "group").orElse(null), to);
            default -> throw UserError.badRequest("source.invalid", "'" + s.kind() + "' is not a source kind", "use cron, webhook or kafka");
        };
    }

    private SourceStore.SourceRecord record(String name) {
        return eventing.sourceStore().get(name).orElseThrow(() -> UserError.notFound("source.not_found", "no source named " + name,
                "`nubo source list` shows the sources"));
    }

    private ObjectNode view(SourceStore.SourceRecord s) {
        ObjectNode node = Json.mapper().createObjectNode().put("name", s.name()).put("kind", s.kind())
                .put("to", Destination.parse(s.spec().path("to").asText("")).toString()).put("createdAt", s.createdAt().toString());
        JsonNode settings = s.spec().path(s.kind());
        ObjectNode status = Json.mapper().createObjectNode();
        switch (running.get(s.name())) {
            case Cron cron -> {
                CronSource.Status st = cron.source().status();
                node.putObject("cron").put("schedule", settings.path("schedule").asText())
                        .put("timeZone", text(settings, "timeZone").orElse("UTC"))
                        .put("type", text(settings, "type").orElse(EventTemplate.DEFAULT_TYPE))
                        .put("description", safeDescription(settings));
                status.put("state", "running").put("next", st.nextFire().map(Instant::toString).orElse(null))
                        .put("lastFired", st.lastFired().map(Instant::toString).orElse(null));
                lastError(status, st.lastError());
            }
            case Hook hook -> {
                boolean signed = text(settings, "secret").isPresent();
                node.putObject("webhook").put("signed", signed).put("type", text(settings, "type").orElse(null))
                        .put("signature", signed ? Webhook.SIGNATURE_HEADER + ": sha256=<hex HMAC-SHA256 of the body>" : null);
                node.put("url", urls.api() + "/v1/webhooks/" + s.name());
                WebhookSource.Status st = hook.source().status();
                status.put("state", "running").put("accepted", st.accepted())
                        .put("lastAccepted", st.lastAccepted().map(Instant::toString).orElse(null));
                lastError(status, st.lastError());
            }
            case Kafka kafka -> {
                KafkaSourceStatus st = kafka.source().status();
                node.putObject("kafka").put("bootstrapServers", settings.path("bootstrapServers").asText())
                        .put("topic", settings.path("topic").asText()).put("group", kafka.source().config().group());
                status.put("state", st.state().label()).put("handedOff", st.handedOff());
                lastError(status, st.lastError());
            }
            case Failed failed -> {
                node.set(s.kind(), settings.deepCopy());
                if (node.path("webhook").has("secret")) {
                    ((ObjectNode) node.get("webhook")).remove("secret");
                }
                status.put("state", "failed");
                lastError(status, Optional.of(failed.why()));
            }
            case null -> {
                node.set(s.kind(), settings.deepCopy());
                if (node.path("webhook").has("secret")) {
                    ((ObjectNode) node.get("webhook")).remove("secret");
                }
                status.put("state", "stopped"); // deleted while this view was being made
                lastError(status, Optional.empty());
            }
        }
        node.set("status", status);
        return node;
    }

    /** {@code lastError} and {@code lastErrorAt}: null when nothing has failed (or a later attempt went through). */
    private static void lastError(ObjectNode status, Optional<Failure> failure) {
        status.put("lastError", failure.map(Failure::message).orElse(null))
                .put("lastErrorAt", failure.map(f -> f.at().toString()).orElse(null));
    }

    private static String safeDescription(JsonNode settings) {
        try {
            return CronSchedule.parse(settings.path("schedule").asText(""), settings.path("timeZone").asText(null)).words();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    @Override
    public void close() {
        running.values().forEach(Running::stop);
        running.clear();
        timer.shutdownNow();
    }
}
