package dev.nubo.javaruntime;

import dev.nubo.function.Context;
import java.time.Instant;
import java.util.Map;

/**
 * What one invocation's handler sees; {@code env} is shared by all invocations and immutable.
 * {@code instance} and {@code memoryMb} are not part of Nubo's {@code Context}: they are here for
 * the Lambda view of the same invocation ({@link LambdaContext}).
 */
record InvocationContext(String requestId, String functionName, String revision, Instant deadline,
        RequestLog logger, Map<String, String> env, String instance, int memoryMb) implements Context {}
