package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * An asynchronous invocation as recorded: what was called, where it stands ({@link InvocationStatus}),
 * its attempts, and once an attempt has answered, the status code and error; once it has finished, when
 * and how long the last attempt took, and the response ({@code response}: JSON
 * {@code {statusCode, contentType, body | bodyBase64}}, or {@code {error}} when nothing answered).
 */
public record Invocation(String id, String service, String path, InvocationStatus status, int attempts, int maxAttempts,
                         Instant createdAt, Optional<Instant> startedAt, Optional<Instant> finishedAt, OptionalLong durationMs,
                         OptionalInt statusCode, Optional<String> error, Optional<Destination> onSuccess,
                         Optional<Destination> onFailure, Optional<String> response) {}
