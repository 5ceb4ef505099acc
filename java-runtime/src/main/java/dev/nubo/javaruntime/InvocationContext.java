package dev.nubo.javaruntime;

import dev.nubo.function.Context;
import java.time.Instant;
import java.util.Map;

/** What one invocation's handler sees; {@code env} is shared by all invocations and immutable. */
record InvocationContext(String requestId, String functionName, String revision, Instant deadline,
        RequestLog logger, Map<String, String> env) implements Context {}
