package dev.nubo.runtimeapi;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * An answer to the runtime that says it did something wrong, in the Runtime API's own shape
 * {@code {"errorMessage","errorType"}}. The statuses and type names are those of Lambda's Runtime API
 * (as its emulator renders them), because runtimes and their tests match on them; the messages say more.
 */
record RuntimeError(int status, String errorType, String errorMessage) {

    static final String ROUTES = "GET /2018-06-01/runtime/invocation/next, POST /2018-06-01/runtime/invocation/{id}/response, "
            + "POST /2018-06-01/runtime/invocation/{id}/error, POST /2018-06-01/runtime/init/error";

    static RuntimeError invalidRequestId(String id) {
        return new RuntimeError(400, "InvalidRequestID",
                "Invalid request ID: no invocation '" + id + "' is waiting for an answer (unknown, or already answered)");
    }

    static RuntimeError invalidResponseMode(String mode) {
        return new RuntimeError(400, "InvalidFunctionResponseMode",
                "Invalid function response mode '" + mode + "': send 'streaming', or no Lambda-Runtime-Function-Response-Mode header");
    }

    static RuntimeError tooLarge(long limit) {
        return new RuntimeError(413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (" + limit + " bytes).");
    }

    static RuntimeError notFound(String method, String path) {
        return new RuntimeError(404, "NotFound", "no Runtime API route for " + method + " " + path + "; routes: " + ROUTES);
    }

    static RuntimeError methodNotAllowed(String method, String path, String allowed) {
        return new RuntimeError(405, "MethodNotAllowed", method + " is not allowed on " + path + "; use " + allowed);
    }

    static RuntimeError internal() {
        return new RuntimeError(500, "InternalServerError", "Internal Server Error");
    }

    /** Sends this error unless an answer is already on its way (then there is nothing left to tell). */
    Future<Void> send(HttpServerResponse response) {
        if (response.headWritten() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("errorMessage", errorMessage).put("errorType", errorType).toBuffer());
    }

    /** The Runtime API's 202: the runtime's report was taken. */
    static Future<Void> accepted(HttpServerResponse response) {
        if (response.headWritten() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(202)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("status", "OK").toBuffer());
    }
}
