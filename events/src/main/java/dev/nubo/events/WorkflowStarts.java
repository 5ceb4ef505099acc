package dev.nubo.events;

import java.util.concurrent.CompletableFuture;

/**
 * How a delivery to {@code workflow:NAME} starts an execution: the server hands the workflows module in
 * here, so that eventing needs neither it nor an HTTP hop. Starting is idempotent by execution name
 * (the same name returns the first execution), which turns the dispatcher's at-least-once delivery
 * into exactly one execution per event.
 */
@FunctionalInterface
public interface WorkflowStarts {

    /** Refuses every start, for an event log without workflows (tests, tools): the delivery is retried, then dead-lettered. */
    WorkflowStarts NONE = (workflow, execution, event) -> CompletableFuture.failedFuture(
            new IllegalStateException("this server runs no workflows"));

    /**
     * Starts (or finds) the execution {@code execution} of {@code workflow} with {@code event}, a CloudEvent
     * in the structured JSON format, as its input. Must not block the caller. Fails with a
     * {@link dev.nubo.model.UserError} when the start can never succeed as asked (4xx but 404: not retried),
     * anything else to be retried.
     */
    CompletableFuture<Void> start(String workflow, String execution, byte[] event);
}
