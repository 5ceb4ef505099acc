package dev.nubo.lambdahttp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Lambda handler's answer to an {@link HttpApiEvent} as the HTTP response API Gateway (payload
 * format 2.0) makes of it. A JSON object with a {@code statusCode} is a {@link Response}: its
 * {@code multiValueHeaders}, then its {@code headers}, each {@code cookies} entry as a
 * {@code Set-Cookie}, and its {@code body} (base64-decoded when {@code isBase64Encoded}), typed
 * {@code application/json} when it has no type. A JSON string is the {@link Text} of a 200;
 * anything else, JSON or not, is the body of a 200 {@link AsSent}.
 *
 * <p>The answer comes in as the plain JSON value the caller's JSON library read (maps, lists, strings,
 * numbers, booleans), or empty when it was not JSON:
 * <pre>{@code
 * switch (HttpApiAnswer.of(json.read(bytes))) {
 *     case HttpApiAnswer.Response r -> reply(r.status(), r.headers(), r.body());
 *     ...
 * }
 * }</pre>
 */
public sealed interface HttpApiAnswer {

    /** The status, the headers by name as the handler spelled them, and the body. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) implements HttpApiAnswer {
        public Response {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }
    }

    /** A JSON string: its text is the body of a 200 {@code application/json}. */
    record Text(String text) implements HttpApiAnswer {}

    /** Neither a response nor a string: the answer's bytes are the body of a 200 as they came. */
    record AsSent() implements HttpApiAnswer {}

    /**
     * A response whose {@code statusCode} is no HTTP status; {@code message} says so and what to
     * return instead, for a runtime that reports it as the handler's fault.
     */
    record BadStatus(String message) implements HttpApiAnswer {}

    String JSON = "application/json";

    static HttpApiAnswer of(Optional<Object> value) {
        if (value.isPresent() && value.get() instanceof Map<?, ?> map && map.containsKey("statusCode")) {
            Object code = map.get("statusCode");
            Optional<Integer> status = status(code);
            return status.isPresent() ? response(status.get(), map) : new BadStatus("the handler's response has statusCode "
                    + code + ", which is not an HTTP status (return a number from 100 to 599)");
        }
        if (value.isPresent() && value.get() instanceof String text) {
            return new Text(text);
        }
        return new AsSent();
    }

    private static Response response(int status, Map<?, ?> map) {
        // Names as the handler spelled them, later ones replacing earlier ones, as Node's and Python's
        // runtimes map them too.
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (map.get("multiValueHeaders") instanceof Map<?, ?> multi) {
            multi.forEach((name, values) -> headers.put(String.valueOf(name), values instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(values))));
        }
        if (map.get("headers") instanceof Map<?, ?> single) {
            single.forEach((name, value) -> {
                if (value != null) {
                    headers.put(String.valueOf(name), List.of(String.valueOf(value)));
                }
            });
        }
        if (map.get("cookies") instanceof List<?> cookies && !cookies.isEmpty()) {
            List<String> set = new ArrayList<>();
            cookies.forEach(c -> set.add(String.valueOf(c)));
            headers.put("Set-Cookie", set);
        }
        byte[] body = new byte[0];
        if (map.get("body") instanceof String text) {
            body = Boolean.TRUE.equals(map.get("isBase64Encoded")) ? Base64.getMimeDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
        }
        if (body.length > 0 && headers.keySet().stream().noneMatch(n -> n.toLowerCase(Locale.ROOT).equals("content-type"))) {
            headers.put("Content-Type", List.of(JSON));
        }
        return new Response(status, headers, body);
    }

    private static Optional<Integer> status(Object value) {
        try {
            int status = value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value).strip());
            return status >= 100 && status <= 599 ? Optional.of(status) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
