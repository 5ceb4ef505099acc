package dev.nubo.runtimeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.lambdahttp.HttpApiEvent;
import dev.nubo.model.CloudEventHeader;
import dev.nubo.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A trigger's delivery to a custom runtime (a CloudEvent in binary mode: {@code ce-*} headers, the
 * body as data) as the one JSON object of CloudEvents' JSON format, the whole envelope, which is the
 * event Nubo's other Lambda runtimes hand over too (docs/LAMBDA.md). Header values are
 * percent-decoded as the HTTP binding says; JSON data is {@code data} as JSON, UTF-8 text a string,
 * anything else {@code data_base64}. A structured-mode message is the envelope already.
 */
final class CloudEventEnvelope {

    private CloudEventEnvelope() {}

    static Buffer of(HttpServerRequest request, Buffer body) {
        String contentType = Optional.ofNullable(request.getHeader("content-type")).orElse("");
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.equals("application/cloudevents+json")) {
            return body;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        // The required attributes first, then the rest by name: header order is no order.
        for (String required : List.of("specversion", "id", "source", "type")) {
            Optional.ofNullable(request.getHeader("ce-" + required)).ifPresent(v -> event.put(required, CloudEventHeader.decode(v)));
        }
        request.headers().names().stream().map(n -> n.toLowerCase(Locale.ROOT))
                .filter(n -> n.startsWith("ce-") && !event.containsKey(n.substring(3))).sorted().distinct()
                .forEach(n -> event.put(n.substring(3), CloudEventHeader.decode(request.getHeader(n))));
        if (!contentType.isEmpty()) {
            event.put("datacontenttype", contentType);
        }
        byte[] bytes = body.getBytes();
        if (bytes.length > 0) {
            Optional<JsonNode> json = media.isEmpty() || media.endsWith("/json") || media.endsWith("+json") ? read(bytes) : Optional.empty();
            if (json.isPresent()) {
                event.put("data", json.get());
            } else if (HttpApiEvent.isText(contentType, bytes) && HttpApiEvent.isUtf8(bytes)) {
                event.put("data", new String(bytes, StandardCharsets.UTF_8));
            } else {
                event.put("data_base64", Base64.getEncoder().encodeToString(bytes));
            }
        }
        try {
            return Buffer.buffer(Json.mapper().writeValueAsBytes(event));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the CloudEvent " + event.get("id"), e);
        }
    }

    private static Optional<JsonNode> read(byte[] bytes) {
        try {
            return Optional.of(Json.mapper().readTree(bytes));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
