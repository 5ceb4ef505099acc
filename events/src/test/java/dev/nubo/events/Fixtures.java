package dev.nubo.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Small events and JSON for the eventing tests. */
final class Fixtures {

    private Fixtures() {}

    /** An event from {@code /shop} whose data is {@code {"id":ID}}. */
    static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType(type)
                .withDataContentType("application/json").withData(("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
    }

    /** JSON written with single quotes, for readability in tests. */
    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
