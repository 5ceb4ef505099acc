package dev.nubo.javaruntime;

import dev.nubo.function.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Lambda handler's result as the HTTP response API Gateway (payload format 2.0) makes of it. A JSON
 * object with a {@code statusCode} is a response: its {@code headers}, each {@code cookies} entry as
 * a {@code Set-Cookie}, and its {@code body} (base64-decoded when {@code isBase64Encoded}). Anything
 * else is the body of a 200 {@code application/json}: a JSON string's text, or the JSON as written.
 */
final class HttpApiResponse {

    private static final String JSON = "application/json";

    private HttpApiResponse() {}

    static HttpResponse of(byte[] result) {
        Optional<Object> value = LambdaJson.read(result);
        if (value.isPresent() && value.get() instanceof Map<?, ?> map && map.containsKey("statusCode")) {
            return structured(map);
        }
        if (value.isPresent() && value.get() instanceof String text) {
            return HttpResponse.of(200, JSON, text.getBytes(StandardCharsets.UTF_8));
        }
        return HttpResponse.of(200, JSON, result);
    }

    private static HttpResponse structured(Map<?, ?> map) {
        int status = status(map.get("statusCode"));
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
        if (headers.keySet().stream().noneMatch(n -> n.toLowerCase(Locale.ROOT).equals("content-type")) && body.length > 0) {
            headers.put("Content-Type", List.of(JSON));
        }
        return new HttpResponse(status, headers, body);
    }

    private static int status(Object value) {
        try {
            int status = value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value).strip());
            if (status >= 100 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new LambdaCall.InvalidResult("the handler's response has statusCode " + value
                + ", which is not an HTTP status (return a number from 100 to 599)", null);
    }
}
