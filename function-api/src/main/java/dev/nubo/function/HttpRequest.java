package dev.nubo.function;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as a function sees it. Header names are lower case.
 *
 * @param method the request method, e.g. {@code POST}
 * @param path the path, without the query, e.g. {@code /orders/42}
 * @param query the raw query string without {@code ?}; empty when there is none
 * @param headers the headers, names in lower case
 * @param body the raw body; empty when there is none
 */
public record HttpRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

    public HttpRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, looked up case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
