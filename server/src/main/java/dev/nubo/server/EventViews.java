package dev.nubo.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.events.Broker;
import dev.nubo.events.DeadLetter;
import dev.nubo.events.Invocation;
import dev.nubo.model.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * The control API's JSON for eventing's records (docs/API.md, "Events"): brokers, dead letters and
 * invocations; triggers are {@link TriggerJson}'s. Eventing speaks records; what the API shows of
 * them, and how, is decided here.
 */
final class EventViews {

    private EventViews() {}

    /** {@code {"name","createdAt","triggers","ingestUrl"}}. */
    static ObjectNode broker(Broker b, String ingestUrl) {
        return Json.mapper().createObjectNode().put("name", b.name()).put("createdAt", b.createdAt().toString())
                .put("triggers", b.triggers()).put("ingestUrl", ingestUrl);
    }

    /** {@code {"id","origin","to","attempts","reason","deadAt","event"}}, the event as JSON. */
    static ObjectNode deadLetter(DeadLetter d) {
        ObjectNode node = Json.mapper().createObjectNode().put("id", d.id()).put("origin", d.origin()).put("to", d.to())
                .put("attempts", d.attempts()).put("reason", d.reason()).put("deadAt", d.deadAt().toString());
        try {
            node.set("event", Json.mapper().readTree(d.event()));
        } catch (java.io.IOException e) {
            node.put("event", "(unreadable: " + e.getMessage() + ")");
        }
        return node;
    }

    /**
     * {@code {"id","service","path","status","attempts","maxAttempts","createdAt","startedAt","finishedAt","durationMs",
     * "statusCode","error","onSuccess","onFailure"}}, absent values as null; with {@code withResponse}, also
     * {@code response} (JSON, or null).
     */
    static ObjectNode invocation(Invocation i, boolean withResponse) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("id", i.id()).put("service", i.service()).put("path", i.path()).put("status", i.status().toString())
                .put("attempts", i.attempts()).put("maxAttempts", i.maxAttempts()).put("createdAt", i.createdAt().toString())
                .put("startedAt", text(i.startedAt())).put("finishedAt", text(i.finishedAt()));
        if (i.durationMs().isPresent()) {
            node.put("durationMs", i.durationMs().getAsLong());
        } else {
            node.putNull("durationMs");
        }
        if (i.statusCode().isPresent()) {
            node.put("statusCode", i.statusCode().getAsInt());
        } else {
            node.putNull("statusCode");
        }
        node.put("error", i.error().orElse(null));
        node.put("onSuccess", i.onSuccess().map(Object::toString).orElse(null))
                .put("onFailure", i.onFailure().map(Object::toString).orElse(null));
        if (withResponse) {
            try {
                node.set("response", i.response().isEmpty() ? null : Json.mapper().readTree(i.response().get()));
            } catch (java.io.IOException e) {
                node.put("response", "(unreadable: " + e.getMessage() + ")");
            }
        }
        return node;
    }

    private static String text(Optional<Instant> at) {
        return at.map(Instant::toString).orElse(null);
    }
}
