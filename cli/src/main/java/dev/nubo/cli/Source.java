package dev.nubo.cli;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An event source as the API describes it ({@code GET /v1/sources/{name}}): something outside that
 * Nubo turns into events for {@code to} (a service, or {@code broker:NAME}). Of {@code cron},
 * {@code webhook} and {@code kafka} only the one of its {@code kind} is set; {@code url} is the
 * address a webhook's sender posts to.
 */
record Source(String name, String kind, String to, Instant createdAt, Cron cron, Webhook webhook, String url,
        Kafka kafka, Status status) {

    Source {
        kind = orEmpty(kind);
        to = orEmpty(to);
        url = orEmpty(url);
        status = status == null ? new Status(null, null, null, null, null, null, null, null) : status;
    }

    /**
     * {@code description} is the schedule in words without its zone, e.g. "at 03:00"; {@code type},
     * {@code data} may be unset.
     */
    record Cron(String schedule, String timeZone, String description, String type, String data, String contentType) {

        Cron {
            schedule = orEmpty(schedule);
            timeZone = orEmpty(timeZone);
            description = orEmpty(description);
        }

        /** {@code 0 3 * * * (at 03:00, Europe/Paris)}. */
        String text() {
            String words = Stream.of(description, timeZone).filter(s -> !s.isEmpty()).collect(Collectors.joining(", "));
            return schedule + (words.isEmpty() ? "" : " (" + words + ")");
        }
    }

    /** {@code signed}: whether requests must carry the secret's signature; null when the server did not say. */
    record Webhook(Boolean signed, String type) {

        boolean unsigned() {
            return Boolean.FALSE.equals(signed);
        }
    }

    record Kafka(String bootstrapServers, String topic, String group) {

        Kafka {
            bootstrapServers = orEmpty(bootstrapServers);
            topic = orEmpty(topic);
        }

        /** {@code topic orders at 127.0.0.1:9092}. */
        String text() {
            return "topic " + topic + " at " + bootstrapServers;
        }
    }

    /**
     * {@code state} such as running or failed; {@code next} and {@code lastFired} are a cron source's,
     * {@code accepted}/{@code lastAccepted} a webhook's, {@code handedOff} a Kafka source's records stored.
     */
    record Status(String state, String lastError, Instant lastErrorAt, Instant next, Instant lastFired, Long accepted,
                  Instant lastAccepted, Long handedOff) {

        Status {
            state = orEmpty(state);
            lastError = orEmpty(lastError);
        }
    }

    /** The line a listing shows for the kind: the schedule, the URL, or the topic. */
    String detail() {
        return switch (kind) {
            case "cron" -> Optional.ofNullable(cron).map(Cron::text).orElse("-");
            case "webhook" -> url.isEmpty() ? "-" : url + (webhook != null && webhook.unsigned() ? " (unsigned)" : "");
            case "kafka" -> Optional.ofNullable(kafka).map(Kafka::text).orElse("-");
            default -> "-";
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
