package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.events.DeliveryPolicy;
import dev.nubo.events.Filter;
import dev.nubo.events.Trigger;
import dev.nubo.events.TriggerStatus;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Triggers as the API reads and shows them (docs/API.md, "Triggers"):
 * {@code {"name","broker","filters":[{"attribute","match","value"}],"to":"SERVICE[/path]",
 * "delivery":{"attempts","backoff","maxBackoff","timeout","deadLetter"},"maxPending"}}. Absent delivery
 * fields take {@link DeliveryPolicy#defaults()}; an absent {@code maxPending},
 * {@value Trigger#DEFAULT_MAX_PENDING}.
 */
final class TriggerJson {

    private TriggerJson() {}

    static Trigger parse(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw invalid("the trigger must be a JSON object", "send {\"name\":…,\"broker\":\"default\",\"to\":\"SERVICE\"}");
        }
        String name = text(body, "name").orElseThrow(() -> invalid("the trigger has no name", "give it one, e.g. \"name\":\"orders\""));
        if (!Destination.NAME.matcher(name).matches()) {
            throw invalid("'" + name + "' is not a trigger name", "use lowercase letters, digits and dashes, starting with a letter");
        }
        String broker = text(body, "broker").orElse("default");
        String to = text(body, "to").orElseThrow(() -> invalid("the trigger " + name + " has no target",
                "set \"to\" to the service that receives the events: SERVICE or SERVICE/path, or workflow:NAME"));
        if (!(Destination.parse(to) instanceof Destination.Target service)) {
            throw invalid("a trigger delivers to a service or a workflow, not to " + to, "set \"to\" to SERVICE, SERVICE/path or workflow:NAME");
        }
        List<Filter> filters = new ArrayList<>();
        for (JsonNode f : body.path("filters")) {
            filters.add(Filter.of(f.path("attribute").asText(null), f.path("match").asText("exact"), f.path("value").asText(null)));
        }
        return new Trigger(name, broker, filters, service, policy(body.path("delivery")), maxPending(body), now);
    }

    private static int maxPending(JsonNode body) {
        JsonNode v = body.get("maxPending");
        if (v == null || v.isNull()) {
            return Trigger.DEFAULT_MAX_PENDING;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw invalid("maxPending must be a whole number between 1 and " + Trigger.MAX_MAX_PENDING + ", not " + v,
                    "e.g. \"maxPending\": " + Trigger.DEFAULT_MAX_PENDING);
        }
        return v.intValue();
    }

    static DeliveryPolicy policy(JsonNode delivery) {
        DeliveryPolicy d = DeliveryPolicy.defaults();
        if (delivery.isMissingNode() || delivery.isNull()) {
            return d;
        }
        int attempts = delivery.has("attempts") ? delivery.get("attempts").asInt(-1) : d.attempts();
        return new DeliveryPolicy(attempts, duration(delivery, "backoff", d.backoff()), duration(delivery, "maxBackoff", d.maxBackoff()),
                duration(delivery, "timeout", d.timeout()),
                text(delivery, "deadLetter").map(Destination::parse).orElse(d.deadLetter()));
    }

    /** A trigger with its {@code stats} ({@code pending}, {@code delivered}, {@code deadLettered}) and {@code status}. */
    static ObjectNode view(TriggerStatus status) {
        ObjectNode node = write(status.trigger());
        node.putObject("stats").put("pending", status.pending()).put("delivered", status.delivered())
                .put("deadLettered", status.deadLettered());
        node.putObject("status").put("state", status.backlogFull() ? "backlog-full" : "ok").put("message", status.backlogFull()
                ? "backlog full: " + status.pending() + " pending; new events for it are dead-lettered" : "ok");
        return node;
    }

    static ObjectNode write(Trigger t) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("name", t.name());
        node.put("broker", t.broker());
        var filters = node.putArray("filters");
        t.filters().forEach(f -> filters.addObject().put("attribute", f.attribute()).put("match", f.match().toString()).put("value", f.value()));
        node.put("to", t.to().toString());
        node.set("delivery", write(t.delivery()));
        node.put("maxPending", t.maxPending());
        node.put("createdAt", t.createdAt().toString());
        return node;
    }

    static ObjectNode write(DeliveryPolicy p) {
        return Json.mapper().createObjectNode()
                .put("attempts", p.attempts())
                .put("backoff", Quantities.formatDuration(p.backoff()))
                .put("maxBackoff", Quantities.formatDuration(p.maxBackoff()))
                .put("timeout", Quantities.formatDuration(p.timeout()))
                .put("deadLetter", p.deadLetter().toString());
    }

    private static java.util.Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? java.util.Optional.empty() : java.util.Optional.of(v.asText());
    }

    private static Duration duration(JsonNode node, String field, Duration otherwise) {
        return text(node, field).map(v -> Quantities.duration(v).orElseThrow(() -> invalid("delivery." + field + " '" + v
                + "' is not a duration", "write e.g. 200ms, 5s or 1m"))).orElse(otherwise);
    }

    private static UserError invalid(String message, String hint) {
        return UserError.badRequest("trigger.invalid", message, hint);
    }
}
