package dev.nubo.runtimeapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every answer the bridge makes up for the HTTP caller, rather than relays from the function: the closed
 * set is the factories below. A function's own error is a 500 in Lambda's shape,
 * {@code {"errorMessage","errorType"}}, as the runtime reported it, with its {@code stackTrace} for the
 * server's own callers only ({@code nubo invoke}, triggers); everything the platform decided is 502 or
 * 504, sent as Nubo's {@code {"error":{"type","message"}}}.
 */
record CallerError(int status, String type, String message, boolean lambdaShape, List<String> stackTrace) {

    CallerError(int status, String type, String message) {
        this(status, type, message, false, List.of());
    }

    /** The function reported an error for the invocation (a thrown exception, for the Java client). */
    static CallerError functionError(ReportedError reported, boolean withStack) {
        return new CallerError(500, reported.type(), reported.message(), true, withStack ? reported.stackTrace() : List.of());
    }

    static CallerError responseTooLarge(long limit) {
        return new CallerError(502, "ResponseTooLarge", "the function's response is larger than the limit of " + limit
                + " bytes; return less, or stream it (Lambda-Runtime-Function-Response-Mode: streaming)");
    }

    static CallerError runtimeExited() {
        return new CallerError(502, "RuntimeExited",
                "the function's runtime process exited before it answered; the instance's log shows why");
    }

    static CallerError stopped() {
        return new CallerError(502, "InstanceStopped", "the instance stopped before the function answered");
    }

    static CallerError timedOut(Duration timeout) {
        return new CallerError(504, "Timeout", "Task timed out after " + String.format(Locale.ROOT, "%.2f", timeout.toMillis() / 1000.0)
                + " seconds (the function's timeout)");
    }

    /** A bug of the bridge's own; the platform's log has the stack. */
    static CallerError internal(RuntimeException e) {
        return new CallerError(500, "InternalError", "the Runtime API bridge failed: " + e);
    }

    Buffer body() {
        if (lambdaShape) {
            JsonObject body = new JsonObject().put("errorMessage", message).put("errorType", type);
            return (stackTrace.isEmpty() ? body : body.put("stackTrace", new JsonArray(stackTrace))).toBuffer();
        }
        return new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)).toBuffer();
    }
}
