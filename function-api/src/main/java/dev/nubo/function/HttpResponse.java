package dev.nubo.function;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP response from a function.
 *
 * <pre>{@code
 * return HttpResponse.of(201, "application/json", "{\"id\":42}").withHeader("Location", "/orders/42");
 * }</pre>
 */
public record HttpResponse(int status, Map<String, List<String>> headers, byte[] body) {

    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be between 100 and 599, got " + status);
        }
        headers = Map.copyOf(headers);
    }

    public static HttpResponse of(int status, String contentType, byte[] body) {
        return new HttpResponse(status, Map.of("content-type", List.of(contentType)), body);
    }

    public static HttpResponse of(int status, String contentType, String body) {
        return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A 200 with a plain-text body. */
    public static HttpResponse ok(String text) {
        return of(200, "text/plain; charset=utf-8", text);
    }

    /** This response with one more header value. */
    public HttpResponse withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.merge(name.toLowerCase(java.util.Locale.ROOT), List.of(value),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        return new HttpResponse(status, copy, body);
    }
}
