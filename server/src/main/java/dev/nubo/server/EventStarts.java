package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.events.WorkflowStarts;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import dev.nubo.workflows.Workflows;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts workflow executions for eventing's deliveries to {@code workflow:NAME} (from a trigger, a source
 * or an async invocation's destination): the event, as structured JSON, is the input. Starting writes the
 * store, so it runs on a virtual thread of its own, never on the dispatcher's event loop.
 */
record EventStarts(Workflows workflows) implements WorkflowStarts {

    @Override
    public CompletableFuture<Void> start(String workflow, String execution, byte[] event) {
        return CompletableFuture.runAsync(() -> workflows.start(workflow, input(event), Optional.of(execution)),
                task -> Thread.ofVirtual().name("workflow-start-" + workflow).start(task));
    }

    private static JsonNode input(byte[] event) {
        try {
            return Json.mapper().readTree(event);
        } catch (IOException e) {
            throw UserError.badRequest("event.invalid", "the event is not JSON: " + e.getMessage(),
                    "send it as a CloudEvent (`nubo events send`)");
        }
    }
}
