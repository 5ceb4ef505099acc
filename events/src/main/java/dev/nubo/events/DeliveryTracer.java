package dev.nubo.events;

/**
 * Where the dispatcher tells what each delivery attempt did, for traces: the server plugs in its tracing
 * here ({@link Eventing#tracer}). The dispatcher picks the attempt's span id itself, because it sends it
 * on in the request's {@code traceparent} (so the gateway's and the instance's spans are children of the
 * attempt); the tracer only keeps what it is told. Called on the dispatcher's event loop: never blocking,
 * cheap (queue it).
 *
 * <pre>{@code
 * eventing.tracer(attempt -> queue.offer(attempt));
 * }</pre>
 */
@FunctionalInterface
public interface DeliveryTracer {

    /** No tracing: the default, and then the dispatcher sends no {@code traceparent} of its own. */
    DeliveryTracer NONE = attempt -> {};

    /** One attempt has ended: delivered, to be retried, or given up. */
    void attempt(DeliveryAttempt attempt);
}
