package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where an {@code events:putEvents} task publishes: Nubo's brokers, as the server wires them. An event
 * bus of Step Functions' definitions is the broker of the same name ({@code default} when none is named).
 */
public interface EventBus {

    /** One event: its id (made from the task's idempotency key), source, type, and data as JSON. */
    record Entry(String id, String source, String type, JsonNode data) {}

    /**
     * Publishes {@code entries} into {@code broker}, returning once they are durable; a broker that does
     * not exist, or a refusal, is a {@link dev.nubo.model.UserError} (the task then fails with its message).
     */
    void put(String broker, List<Entry> entries) throws InterruptedException;

    EventBus NONE = (broker, entries) -> {
        throw StatesError.runtime("events:putEvents cannot publish here: no brokers are wired to the workflows");
    };
}
