package dev.nubo.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An asynchronous invocation's HTTP request as stored until it is delivered: the caller's end-to-end
 * headers and the body, as JSON {@code {"headers":[[name,value],…],"body":"<base64>"}}.
 */
record Request(List<Map.Entry<String, String>> headers, byte[] body) {

    Request {
        headers = List.copyOf(headers);
    }

    byte[] write() {
        ObjectNode node = Json.mapper().createObjectNode();
        ArrayNode list = node.putArray("headers");
        headers.forEach(h -> list.addArray().add(h.getKey()).add(h.getValue()));
        node.put("body", Base64.getEncoder().encodeToString(body));
        return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Request read(byte[] json) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            node.path("headers").forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.get(0).asText(), h.get(1).asText())));
            return new Request(headers, Base64.getDecoder().decode(node.path("body").asText()));
        } catch (IOException | RuntimeException e) {
            throw new PlatformFault("platform.store", "a stored invocation request cannot be read: " + e.getMessage(), e);
        }
    }
}
