package dev.nubo.lambdahttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloudEventEnvelopeTest {

    static final Map<String, List<String>> ATTRIBUTES = HttpApiEventTest.headers("ce-type", "order.created", "ce-time",
            "2026-12-03T10:00:00Z", "ce-source", "/orders", "ce-id", "e1", "ce-specversion", "1.0", "ce-note", "%E2%82%AC5 100%",
            "ce-plus", "a+b");

    @Test
    void putsTheRequiredAttributesFirstThenTheRestByNameDecoded() {
        Map<String, Object> event = CloudEventEnvelope.of(ATTRIBUTES, new byte[0], b -> Optional.empty());
        assertThat(List.copyOf(event.keySet())).containsExactly("specversion", "id", "source", "type", "note", "plus", "time");
        assertThat(event).containsEntry("note", "€5 100%").containsEntry("plus", "a+b");
    }

    @Test
    void jsonDataIsJsonTextDataAStringAndAnythingElseBase64() {
        assertThat(envelope("application/json", "{\"n\":1}")).containsEntry("datacontenttype", "application/json")
                .containsEntry("data", "read {\"n\":1}");
        assertThat(envelope("text/plain; charset=utf-8", "héllo")).containsEntry("data", "héllo");
        assertThat(envelope("application/octet-stream", "PNG")).containsEntry("data_base64", "UE5H").doesNotContainKey("data");
        assertThat(envelope("application/json", "not json")).containsEntry("data", "not json");
    }

    @Test
    void aStructuredModeMessageIsTheEnvelopeAlready() {
        assertThat(CloudEventEnvelope.structured("application/cloudevents+json; charset=utf-8")).isTrue();
        assertThat(CloudEventEnvelope.structured("application/json")).isFalse();
    }

    /** An envelope whose JSON reader marks what it read, so that the test sees which data went through it. */
    static Map<String, Object> envelope(String contentType, String body) {
        Map<String, List<String>> headers = new LinkedHashMap<>(ATTRIBUTES);
        headers.put("content-type", List.of(contentType));
        return CloudEventEnvelope.of(headers, body.getBytes(StandardCharsets.UTF_8),
                b -> new String(b, StandardCharsets.UTF_8).startsWith("{") ? Optional.of("read " + new String(b, StandardCharsets.UTF_8))
                        : Optional.empty());
    }
}
