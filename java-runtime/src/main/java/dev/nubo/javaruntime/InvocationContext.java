package dev.nubo.javaruntime;

import dev.nubo.function.Context;
import java.time.Instant;
import java.util.Map;

/**
 * What one invocation's handler sees; {@code env} is shared by all invocations and immutable.
 * {@code lambda} is not part of Nubo's {@code Context}: it is here for the Lambda view of the same
 * invocation ({@link LambdaContext}) and the events built for it.
 */
record InvocationContext(String requestId, String functionName, String revision, Instant deadline,
        RequestLog logger, Map<String, String> env, Lambda lambda) implements Context {

    /**
     * @param instance the instance id, Lambda's log stream
     * @param traceHeader the X-Ray trace header of this invocation ({@code Root=1-...;Parent=...;Sampled=...})
     */
    record Lambda(Instant arrival, String instance, int memoryMb, String region, String traceHeader) {}
}
