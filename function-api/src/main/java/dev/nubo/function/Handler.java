package dev.nubo.function;

/**
 * A function that takes an event decoded from the request's JSON body and returns a result that
 * Nubo encodes as the JSON response body.
 *
 * <p>The input type is read from the implementing class's type argument, as AWS Lambda does: a
 * record or bean, {@code Map<String, Object>}, {@code String}, a number or a boolean.
 *
 * <pre>{@code
 * public final class Hello implements Handler<Hello.Request, Map<String, String>> {
 *     public record Request(String name) {}
 *
 *     public Map<String, String> handle(Request request, Context context) {
 *         context.logger().log("greeting " + request.name());
 *         return Map.of("message", "Hello, " + request.name());
 *     }
 * }
 * }</pre>
 *
 * <p>An exception thrown here becomes a 500 response whose JSON body names its type and message;
 * the stack trace goes to the instance's log. One instance serves many invocations at once, each on
 * its own virtual thread, so a handler must be safe to call concurrently.
 *
 * @param <I> the event type
 * @param <O> the result type
 */
@FunctionalInterface
public interface Handler<I, O> {
    O handle(I event, Context context) throws Exception;
}
