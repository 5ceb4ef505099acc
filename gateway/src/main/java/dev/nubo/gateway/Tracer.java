package dev.nubo.gateway;

/**
 * Where the gateway tells what it saw of each request, for traces: the server plugs in its tracing here
 * ({@link Gateway#tracer}). The gateway makes no spans itself: it hands over one {@link ExchangeTrace} of
 * plain numbers and strings when an exchange ends, and the tracer turns that into spans off the request
 * path. Called from every event loop at once: thread-safe, never blocking, cheap (queue it).
 *
 * <pre>{@code
 * gateway.tracer(trace -> queue.offer(trace));
 * }</pre>
 */
@FunctionalInterface
public interface Tracer {

    /** No tracing: the gateway's default, and then it builds no {@link ExchangeTrace} at all. */
    Tracer NONE = trace -> {};

    /** One exchange has ended (answered by an instance or by the gateway itself). */
    void exchange(ExchangeTrace trace);
}
