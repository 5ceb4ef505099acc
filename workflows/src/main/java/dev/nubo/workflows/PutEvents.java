package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code arn:aws:states:::events:putEvents} task, in EventBridge's shape: the input's {@code Entries}
 * (1 to 10), each with {@code Source}, {@code DetailType}, {@code Detail} (JSON, or JSON as text) and
 * optionally {@code EventBusName} (a broker's name or an event bus ARN; {@code default} when absent),
 * become CloudEvents (source, type, data) in those brokers. Each event's id is the task's idempotency
 * key and the entry's index, so a task sent again after a crash publishes the same ids. The result is
 * {@code {"Entries": [{"EventId"}], "FailedEntryCount": 0}}; a broker that does not exist fails the task.
 */
final class PutEvents {

    private PutEvents() {}

    static JsonNode call(EventBus bus, String state, JsonNode input, String key) throws InterruptedException {
        JsonNode entries = input.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
            throw StatesError.runtime("state \"" + state + "\": events:putEvents needs Entries, a list of 1 to 10 events");
        }
        Map<String, List<EventBus.Entry>> byBroker = new LinkedHashMap<>();
        ArrayNode ids = Json.mapper().createArrayNode();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String source = e.path("Source").asText("");
            String type = e.path("DetailType").asText("");
            if (source.isEmpty() || type.isEmpty()) {
                throw StatesError.runtime("state \"" + state + "\": Entries[" + i + "] needs Source and DetailType");
            }
            String named = e.path("EventBusName").asText("default");
            String broker = named.contains("/") ? named.substring(named.lastIndexOf('/') + 1) : named;
            String id = key + "#" + i;
            byBroker.computeIfAbsent(broker, b -> new ArrayList<>()).add(new EventBus.Entry(id, source, type, detail(e.path("Detail"))));
            ids.addObject().put("EventId", id);
        }
        for (Map.Entry<String, List<EventBus.Entry>> b : byBroker.entrySet()) {
            try {
                bus.put(b.getKey(), b.getValue());
            } catch (RuntimeException refused) { // a broker that does not exist (a UserError), a source that is no URI, eventing down
                throw new StatesError(StatesError.TASK_FAILED, "broker " + b.getKey() + " did not take the events: " + refused.getMessage());
            }
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("Entries", ids);
        return result.put("FailedEntryCount", 0);
    }

    /** Detail as JSON: EventBridge takes it as a JSON string, definitions often give an object. */
    private static JsonNode detail(JsonNode detail) {
        if (detail.isTextual()) {
            try {
                return Json.mapper().readTree(detail.asText());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return detail;
            }
        }
        return detail.isMissingNode() ? JsonNodeFactory.instance.objectNode() : detail;
    }
}
