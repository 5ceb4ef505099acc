package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;

/**
 * An event that could not be delivered, as the API describes it ({@code GET /v1/dead-letters}):
 * where it came from ({@code trigger:orders}, {@code invocation:inv-…}, {@code source:nightly}),
 * where it was going, how often it was tried and why the last attempt failed. {@code event} is the
 * CloudEvent in the JSON format.
 */
record DeadLetter(long id, String origin, String to, int attempts, String reason, Instant deadAt, JsonNode event) {

    DeadLetter {
        origin = orEmpty(origin);
        to = orEmpty(to);
        reason = orEmpty(reason);
        event = event == null ? MissingNode.getInstance() : event;
    }

    /** An attribute of the event, {@code -} when it has none. */
    String attribute(String name) {
        JsonNode value = event.path(name);
        return value.isValueNode() && !value.isNull() ? value.asText() : "-";
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
