package dev.nubo.runtimeapi;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;

/**
 * Reads a request body up to a limit. Past the limit the rest is read and dropped rather than kept, so
 * an oversized upload costs no memory, and the connection stays in step for the answer (refusing
 * before the body is read would leave the sender writing into a reset).
 */
final class BoundedBody {

    private BoundedBody() {}

    /** The body, or empty if it was longer than {@code limit}; failed if the upload broke off. */
    static Future<Optional<Buffer>> read(HttpServerRequest request, long limit) {
        Promise<Optional<Buffer>> done = Promise.promise();
        Buffer body = Buffer.buffer();
        boolean[] over = {declaredLength(request) > limit};
        request.handler(chunk -> {
            if (!over[0] && body.length() + (long) chunk.length() > limit) {
                over[0] = true;
            }
            if (!over[0]) {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(v -> done.tryComplete(over[0] ? Optional.empty() : Optional.of(body)));
        return done.future();
    }

    static long declaredLength(HttpServerRequest request) {
        String value = request.getHeader("content-length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
