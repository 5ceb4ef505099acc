package dev.nubo.workflows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.util.Optional;

/** A history event as the interpreter makes it; the journal stamps its time and number. */
record Event(String type, Optional<String> state, ObjectNode detail) {

    static Event of(String type, String state) {
        return new Event(type, Optional.of(state), Json.mapper().createObjectNode());
    }

    static Event of(String type) {
        return new Event(type, Optional.empty(), Json.mapper().createObjectNode());
    }

    Event with(String key, String value) {
        detail.put(key, value);
        return this;
    }

    Event with(String key, long value) {
        detail.put(key, value);
        return this;
    }

    Event with(String key, com.fasterxml.jackson.databind.JsonNode value) {
        detail.set(key, value);
        return this;
    }
}
