package dev.nubo.runtimeapi;

import java.time.Duration;
import java.util.Objects;

/**
 * What the runtime is told about the function it runs, and the limits the bridge holds it to.
 *
 * @param service          the service's name; the function name in the invoked ARN
 * @param revision         the revision id; the qualifier in the invoked ARN
 * @param instanceId       the instance the bridge serves, for log lines
 * @param timeout          how long an invocation may take; {@code Lambda-Runtime-Deadline-Ms} is arrival + timeout
 * @param memoryMb         the instance's memory limit in MiB (what {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} says)
 * @param maxResponseBytes the largest response the runtime may post; above it the runtime gets 413 and the caller 502
 */
public record FunctionInfo(String service, String revision, String instanceId, Duration timeout, int memoryMb,
        long maxResponseBytes) {

    public FunctionInfo {
        requireText(service, "service");
        requireText(revision, "revision");
        requireText(instanceId, "instanceId");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (memoryMb <= 0) {
            throw new IllegalArgumentException("memoryMb must be positive, got " + memoryMb);
        }
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive, got " + maxResponseBytes);
        }
    }

    /** The ARN a runtime sees as {@code Lambda-Runtime-Invoked-Function-Arn}: Nubo's region and a zero account. */
    String functionArn() {
        return "arn:aws:lambda:nubo:000000000000:function:" + service + ":" + revision;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
