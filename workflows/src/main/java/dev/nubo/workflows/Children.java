package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.store.ExecutionRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code arn:aws:states:::states:startExecution} task: starts an execution of another workflow
 * (the input's {@code StateMachineArn}: a name, or an ARN ending in {@code :stateMachine:NAME}) with the
 * input's {@code Input}. Without {@code .sync} the result is {@code {ExecutionArn, StartDate}} at once;
 * with {@code .sync} (or {@code .sync:2}) the task waits for the child to end and its result is the
 * child's description, with {@code Output} as a JSON string (as a JSON value for {@code .sync:2}); a
 * child that does not succeed fails the task with {@code States.TaskFailed}.
 *
 * <p>The child is named after the task's idempotency key unless the input gives {@code Name}, so a
 * task sent again after a crash finds the child it started rather than starting a second.
 */
final class Children {

    /** How the interpreter reaches the workflows it runs beside: implemented by {@link Workflows}. */
    interface Starter {
        /** Starts (or finds, by name) an execution; with {@code sync}, returns it only once it ended. */
        ExecutionRecord start(String workflow, JsonNode input, String name, boolean sync) throws InterruptedException;

        /**
         * Runs a distributed Map's item as a standard execution of {@code processor}, a child of execution
         * {@code parentId} in the same workflow and version, named {@code name} (so a restart finds it
         * rather than starting a second); returns it once it ended.
         */
        default ExecutionRecord item(String parentId, StateMachine processor, JsonNode input, String name) throws InterruptedException {
            throw StatesError.runtime("a distributed Map with STANDARD items runs only in a recorded execution, not in " + parentId);
        }

        /** Stops a child whose parent no longer waits for it (its Map failed, or the parent was stopped); not when the server closes. */
        default void abandon(String childId) {}

        Starter NONE = (workflow, input, name, sync) -> {
            throw StatesError.runtime("starting workflow " + workflow + " is not possible here: no workflows run beside this one");
        };
    }

    private Children() {}

    static JsonNode call(Starter starter, String state, Resource.StartExecution r, JsonNode input, String key) throws InterruptedException {
        String target = input.path("StateMachineArn").asText("");
        int at = target.lastIndexOf(":stateMachine:");
        String workflow = at >= 0 ? target.substring(at + ":stateMachine:".length()) : target;
        if (workflow.isEmpty()) {
            throw StatesError.runtime("state \"" + state + "\": states:startExecution needs StateMachineArn, the workflow to start");
        }
        String name = input.hasNonNull("Name") ? input.get("Name").asText() : nameFor(key);
        JsonNode childInput = input.has("Input") ? input.get("Input") : JsonNodeFactory.instance.objectNode();
        ExecutionRecord child = starter.start(workflow, childInput, name, r.sync());
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("ExecutionArn", child.id()).put("StartDate", child.startedAt().toString());
        if (!r.sync()) {
            return result;
        }
        result.put("Name", child.name()).put("StateMachineArn", child.workflow()).put("Status", child.status())
                .put("Input", child.input());
        child.stoppedAt().ifPresent(t -> result.put("StopDate", t.toString()));
        if (!child.status().equals(ExecutionStatus.SUCCEEDED.name())) {
            throw new StatesError(StatesError.TASK_FAILED, "execution " + child.id() + " ended " + child.status()
                    + child.error().map(e -> ": " + e).orElse("") + child.cause().map(c -> ": " + c).orElse(""));
        }
        String output = child.output().orElse("null");
        if (r.version2()) {
            result.set("Output", parse(output));
            result.set("Input", parse(child.input()));
        } else {
            result.put("Output", output);
        }
        return result;
    }

    /** A name from the task's idempotency key: the same for every send of one attempt. */
    static String nameFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "child-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Stored JSON read back. */
    static JsonNode parse(String json) {
        try {
            return dev.nubo.model.Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(json);
        }
    }
}
