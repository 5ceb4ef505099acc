package dev.nubo.runtimeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.nubo.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A custom runtime's answer to an {@link HttpApiEvent} as the HTTP response API Gateway (payload
 * format 2.0) makes of it: a JSON object with a {@code statusCode} is the response (its
 * {@code headers} and {@code multiValueHeaders}, each {@code cookies} entry as a {@code Set-Cookie},
 * its {@code body}, base64-decoded when {@code isBase64Encoded}); a JSON string is the text of a 200;
 * anything else is the body of a 200 as the runtime sent it.
 */
final class HttpApiResponse {

    private static final String JSON = "application/json";

    private HttpApiResponse() {}

    static void send(HttpServerResponse caller, String contentType, Buffer answer) {
        JsonNode value = parse(answer).orElse(MissingNode.getInstance());
        if (value.isObject() && value.has("statusCode") && value.get("statusCode").canConvertToInt()
                && value.get("statusCode").asInt() >= 100 && value.get("statusCode").asInt() <= 599) {
            structured(caller, value);
        } else if (value.isTextual()) {
            caller.setStatusCode(200).putHeader("content-type", JSON).end(value.asText());
        } else {
            caller.setStatusCode(200).putHeader("content-type", contentType).end(answer);
        }
    }

    private static void structured(HttpServerResponse caller, JsonNode response) {
        caller.setStatusCode(response.get("statusCode").asInt());
        response.path("multiValueHeaders").properties().forEach(h -> {
            if (h.getValue().isArray()) {
                h.getValue().forEach(v -> caller.headers().add(h.getKey(), v.asText()));
            }
        });
        response.path("headers").properties().forEach(h -> {
            if (!h.getValue().isNull()) {
                caller.headers().set(h.getKey(), h.getValue().asText());
            }
        });
        response.path("cookies").forEach(c -> caller.headers().add("Set-Cookie", c.asText()));
        Buffer body = Buffer.buffer();
        if (response.path("body").isTextual()) {
            String text = response.get("body").asText();
            body = response.path("isBase64Encoded").asBoolean(false) ? Buffer.buffer(Base64.getMimeDecoder().decode(text))
                    : Buffer.buffer(text);
        }
        boolean typed = caller.headers().names().stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals("content-type"));
        if (!typed && body.length() > 0) {
            caller.putHeader("content-type", JSON);
        }
        caller.end(body);
    }

    private static Optional<JsonNode> parse(Buffer answer) {
        try {
            return Optional.ofNullable(Json.mapper().readTree(answer.getBytes()));
        } catch (IOException e) {
            return Optional.empty();  // not JSON: passed on as it is
        }
    }
}
