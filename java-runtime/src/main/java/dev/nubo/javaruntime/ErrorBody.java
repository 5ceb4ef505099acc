package dev.nubo.javaruntime;

import dev.nubo.function.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of a response the host answers on the function's behalf:
 * {@code {"error":{"type":"InvalidInput","message":"..."}}}. {@code type} is one of
 * {@code InvalidInput} (400, the caller's body does not fit the handler's input type),
 * {@code InvalidOutput} or {@code InvalidResponse} (500, the handler returned something that cannot
 * be sent), or the class name of the exception the handler threw (500).
 *
 * <p>Written by hand rather than with Jackson so that an {@code HttpHandler} function never pays
 * for loading Jackson.
 */
record ErrorBody(String type, String message) {

    static ErrorBody of(Throwable thrown) {
        return new ErrorBody(thrown.getClass().getName(), thrown.getMessage() == null ? "" : thrown.getMessage());
    }

    HttpResponse response(int status) {
        String json = "{\"error\":{\"type\":" + quote(type) + ",\"message\":" + quote(message) + "}}";
        return HttpResponse.of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
