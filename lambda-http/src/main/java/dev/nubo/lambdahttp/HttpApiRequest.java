package dev.nubo.lambdahttp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plain HTTP request as the Lambda runtimes receive it from the gateway, whatever their HTTP stack:
 * what {@link HttpApiEvent} needs and nothing more.
 *
 * @param method the method, e.g. {@code GET}
 * @param path the path without the query, e.g. {@code /orders/42}
 * @param query the raw query string without {@code ?}; empty when there is none
 * @param headers the headers, names in lower case, each with its values in the order they came
 * @param body the body; empty when there is none
 * @param peer the address of the connection, the caller's when no {@code X-Forwarded-For} names one
 */
public record HttpApiRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
        String peer) {

    public HttpApiRequest {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // in the order they came
    }

    /** The first value of a header; {@code name} in lower case. */
    Optional<String> header(String name) {
        return headers.getOrDefault(name, List.of()).stream().findFirst();
    }
}
