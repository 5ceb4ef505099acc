package dev.nubo.runtimeapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An error a runtime reports on {@code /init/error} or {@code /invocation/{id}/error}. Lambda documents
 * the body as {@code {"errorMessage","errorType","stackTrace"}} and the type again in the
 * {@code Lambda-Runtime-Function-Error-Type} header; runtimes send less (or no JSON at all), so every part
 * is optional: the body's type wins, then the header's, and a body that is not JSON becomes the message.
 */
record ReportedError(String type, String message, List<String> stackTrace) {

    static final String TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    private static final int MAX_RAW_MESSAGE = 1000;

    static ReportedError parse(Buffer body, String typeHeader) {
        String headerType = typeHeader == null || typeHeader.isBlank() ? "UnknownError" : typeHeader;
        JsonObject json = asObject(body);
        if (json == null) {
            String raw = body.toString().strip();
            return new ReportedError(headerType, raw.length() > MAX_RAW_MESSAGE ? raw.substring(0, MAX_RAW_MESSAGE) + "…" : raw,
                    List.of());
        }
        String type = json.getValue("errorType") instanceof String s && !s.isBlank() ? s : headerType;
        String message = json.getValue("errorMessage") instanceof String s ? s : "";
        List<String> stack = new ArrayList<>();
        if (json.getValue("stackTrace") instanceof JsonArray frames) {
            frames.forEach(frame -> stack.add(String.valueOf(frame)));
        }
        return new ReportedError(type, message, List.copyOf(stack));
    }

    /** For an error report too large to read: only the header is left. */
    static ReportedError unreadable(String typeHeader, long limit) {
        String type = typeHeader == null || typeHeader.isBlank() ? "UnknownError" : typeHeader;
        return new ReportedError(type, "(the error report was larger than " + limit + " bytes and was not read)", List.of());
    }

    String summary() {
        return message.isEmpty() ? type : type + ": " + message;
    }

    /** The headline, then the stack a line at a time, as a Java stack trace reads. */
    List<String> logLines(String headline) {
        List<String> lines = new ArrayList<>(stackTrace.size() + 1);
        lines.add(headline + summary());
        for (String frame : stackTrace) {
            // Java's client sends "pkg.Class.method(File.java:12)"; Python's sends indented, multi-line frames
            String[] parts = frame.stripTrailing().split("\n");
            for (int i = 0; i < parts.length; i++) {
                boolean indented = !parts[i].isEmpty() && Character.isWhitespace(parts[i].charAt(0));
                lines.add(i == 0 && !indented ? "    at " + parts[i] : parts[i]);
            }
        }
        return lines;
    }

    private static JsonObject asObject(Buffer body) {
        if (body.length() == 0) {
            return null;
        }
        try {
            return new JsonObject(body);
        } catch (RuntimeException notAnObject) {
            return null;
        }
    }
}
