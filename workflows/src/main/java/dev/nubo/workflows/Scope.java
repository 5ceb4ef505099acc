package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * What a run knows of where it runs: the execution (for the context object {@code $$}) and, inside a
 * Map, the item; {@code keyPrefix} starts the idempotency keys of its tasks (the execution's id, then
 * the branch or item inside a Parallel or Map).
 */
record Scope(String executionId, String executionName, JsonNode executionInput, Instant startTime, String workflow,
        Optional<ObjectNode> mapItem, String keyPrefix) {

    /** The context object as a state sees it, for paths starting {@code $$.}. */
    JsonNode context(Cursor cursor) {
        ObjectNode ctx = Json.mapper().createObjectNode();
        ctx.putObject("Execution").put("Id", executionId).put("Name", executionName).put("StartTime", startTime.toString())
                .set("Input", executionInput);
        ctx.putObject("StateMachine").put("Id", workflow).put("Name", workflow);
        ctx.putObject("State").put("Name", cursor.state()).put("EnteredTime", cursor.enteredAt().toString())
                .put("RetryCount", cursor.retries().stream().mapToInt(Integer::intValue).sum());
        mapItem.ifPresent(item -> ctx.putObject("Map").set("Item", item));
        ctx.putObject("Task").put("Token", cursor.token(executionId));
        return ctx;
    }

    Scope branch(String name) {
        return new Scope(executionId, executionName, executionInput, startTime, workflow, mapItem, keyPrefix + "/" + name);
    }

    Scope item(int index, JsonNode value, String state) {
        ObjectNode item = Json.mapper().createObjectNode().put("Index", index).set("Value", value);
        return new Scope(executionId, executionName, executionInput, startTime, workflow, Optional.of(item),
                keyPrefix + "/" + state + "[" + index + "]");
    }
}
