package dev.nubo.cli;

import java.time.Instant;
import java.util.Optional;

/**
 * An asynchronous invocation as the API describes it ({@code GET /v1/invocations/{id}}): a request
 * queued by {@code nubo invoke --async}, its status (queued, running, retrying, succeeded, failed),
 * its attempts, and once finished the service's last response. The listing leaves out the response.
 */
record Invocation(String id, String service, String path, String status, int attempts, int maxAttempts,
        Instant createdAt, Instant startedAt, Instant finishedAt, Long durationMs, Integer statusCode, String error,
        Response response) {

    Invocation {
        service = orEmpty(service);
        path = orEmpty(path);
        status = orEmpty(status);
        error = orEmpty(error);
    }

    Optional<Response> answered() {
        return Optional.ofNullable(response);
    }

    /** The body is text in {@code body}, or anything else in {@code bodyBase64}. */
    record Response(Integer statusCode, String contentType, String body, String bodyBase64) {

        Response {
            contentType = orEmpty(contentType);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
