package dev.nubo.javaruntime;

import dev.nubo.function.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Lambda handler's failure in the shape Lambda's Java runtime reports it:
 * {@code {"errorMessage","errorType","stackTrace":[...],"cause":{...}}}. The stack trace goes only to
 * callers who hold the admin token anyway ({@code nubo invoke}, asynchronous invocations, triggers);
 * a caller of the service's URL gets type and message, and the trace is in the function's log.
 */
final class LambdaError {

    private LambdaError() {}

    static HttpResponse response(int status, Throwable thrown, boolean withTrace) {
        return HttpResponse.of(status, "application/json", LambdaJson.write(body(thrown, withTrace, 0)));
    }

    static HttpResponse response(int status, String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorMessage", message);
        body.put("errorType", type);
        return HttpResponse.of(status, "application/json", LambdaJson.write(body));
    }

    private static Map<String, Object> body(Throwable thrown, boolean withTrace, int depth) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorMessage", thrown.getMessage() == null ? "" : thrown.getMessage());
        body.put("errorType", thrown.getClass().getName());
        if (withTrace) {
            List<String> trace = new ArrayList<>();
            for (StackTraceElement frame : thrown.getStackTrace()) {
                trace.add(frame.getClassName() + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
                        + frame.getLineNumber() + ")");
            }
            body.put("stackTrace", trace);
            Throwable cause = thrown.getCause();
            if (cause != null && cause != thrown && depth < 8) {
                body.put("cause", body(cause, true, depth + 1));
            }
        }
        return body;
    }
}
