package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.EventSink;
import dev.nubo.eventsink.Failure;
import dev.nubo.eventsink.SourceState;
import dev.nubo.model.UserError;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One kind of event source, and everything the server knows of it in one place: its name in the API
 * ({@code "kind": "cron"}), how its settings ({@code "cron": {…}}) are checked, how it is started, and
 * how it shows itself. Adding a kind is adding one implementation to {@link #ALL}; nothing else
 * switches on a kind's name.
 */
sealed interface SourceKind permits CronKind, WebhookKind, KafkaKind {

    List<SourceKind> ALL = List.of(new CronKind(), new WebhookKind(), new KafkaKind());

    /** What a running source is given: where its events go, its durable memory, time, and the server's addresses. */
    /**
     * The settings fields that hold credentials (a webhook's {@code secret}): {@link Sources} stores them
     * sealed under the master key and opens them only to start the source.
     */
    default java.util.List<String> credentials() {
        return java.util.List.of();
    }

    record Context(EventSink sink, SourceState state, InstantSource clock, ScheduledExecutorService timer, Urls urls) {}

    /** A source of this kind as it runs. */
    interface Running {
        /** Adds the kind's settings (and anything it serves, a webhook's URL) to {@code node}, and its state to {@code status}. */
        void describe(ObjectNode node, ObjectNode status);

        void stop();
    }

    /** {@code cron}, {@code webhook}, {@code kafka}: the {@code kind} of the API, and the field that holds the settings. */
    String name();

    /**
     * Checks every setting of a source of this kind, before anything is stored.
     *
     * @throws UserError 400 {@code source.invalid} naming the field
     */
    void validate(String source, Destination to, JsonNode settings);

    /** Starts the source {@code source} (whose settings {@link #validate} accepted). */
    Running start(String source, Destination to, JsonNode settings, Context context);

    /** The settings as the API may show them of a source that is not running: without secrets. */
    default JsonNode shown(JsonNode settings) {
        return settings.deepCopy();
    }

    /** @throws UserError 400 {@code source.invalid} naming the kinds there are */
    static SourceKind named(String kind) {
        List<String> names = ALL.stream().map(SourceKind::name).toList();
        return ALL.stream().filter(k -> k.name().equals(kind)).findFirst().orElseThrow(() -> UserError.badRequest("source.invalid",
                "'" + kind + "' is not a source kind", "use " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                        + names.getLast()));
    }

    /** A setting's text; absent, null and empty alike are none. */
    static Optional<String> text(JsonNode settings, String field) {
        JsonNode v = settings.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    /** {@code lastError} and {@code lastErrorAt} of a status: null when nothing has failed (or a later attempt went through). */
    static void lastError(ObjectNode status, Optional<Failure> failure) {
        status.put("lastError", failure.map(Failure::message).orElse(null))
                .put("lastErrorAt", failure.map(f -> f.at().toString()).orElse(null));
    }
}
