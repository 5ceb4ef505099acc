package dev.nubo.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudEventsHttpTest {

    private static List<Map.Entry<String, String>> headers(String... pairs) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            list.add(Map.entry(pairs[i], pairs[i + 1]));
        }
        return list;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesExtensionValuesPercentEncodedAsTheBindingSaysAndReadsThemBack() {
        CloudEvent event = CloudEventBuilder.v1().withId("e1").withSource(URI.create("/s")).withType("t")
                .withExtension("price", "€5").withExtension("rate", "100%41").withExtension("quote", "say \"hi\"")
                .withExtension("plain", "a+b/c").build();
        Map<String, String> written = new LinkedHashMap<>();

        CloudEventsHttp.writeBinary(event, written::put);

        assertThat(written).containsEntry("ce-price", "%E2%82%AC5").containsEntry("ce-rate", "100%2541")
                .containsEntry("ce-quote", "say%20%22hi%22").containsEntry("ce-plain", "a+b/c");
        List<Map.Entry<String, String>> back = new ArrayList<>(written.entrySet());
        CloudEvent read = CloudEventsHttp.read(back, new byte[0]).getFirst();
        assertThat(read.getExtension("price")).isEqualTo("€5");
        assertThat(read.getExtension("rate")).isEqualTo("100%41");
        assertThat(read.getExtension("quote")).isEqualTo("say \"hi\"");
        assertThat(read.getExtension("plain")).isEqualTo("a+b/c");
    }

    @Test
    void keepsAPercentSignThatStartsNoEscape() {
        CloudEvent e = CloudEventsHttp.read(headers("ce-specversion", "1.0", "ce-id", "a", "ce-source", "/s", "ce-type", "t",
                "ce-note", "100%", "ce-odd", "%zz%4"), new byte[0]).getFirst();
        assertThat(e.getExtension("note")).isEqualTo("100%");
        assertThat(e.getExtension("odd")).isEqualTo("%zz%4");
    }

    @Test
    void takesCloudEvents03InBinaryModeAsVersion1() {
        CloudEvent e = CloudEventsHttp.read(headers("ce-specversion", "0.3", "ce-id", "a", "ce-source", "/s", "ce-type", "t",
                "ce-schemaurl", "https://example.com/schema", "Content-Type", "text/plain"), bytes("hi")).getFirst();
        assertThat(e.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(e.getDataSchema()).isEqualTo(URI.create("https://example.com/schema"));
        assertThat(e.getExtensionNames()).doesNotContain("schemaurl");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void takesCloudEvents03StructuredWithBase64Data() {
        CloudEvent e = CloudEventsHttp.read(headers("Content-Type", "application/cloudevents+json"), bytes(
                "{\"specversion\":\"0.3\",\"id\":\"a\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"application/octet-stream\","
                        + "\"datacontentencoding\":\"base64\",\"data\":\"AAEC\"}")).getFirst();
        assertThat(e.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(e.getData().toBytes()).containsExactly(0, 1, 2);
        assertThat(e.getExtensionNames()).isEmpty();
    }

    @Test
    void readsBinaryModeWithExtensionsAndPercentEncoding() {
        CloudEvent e = CloudEventsHttp.read(headers("CE-SpecVersion", "1.0", "ce-id", "a1", "ce-source", "/shop", "ce-type", "order.created",
                "ce-subject", "caf%C3%A9", "ce-time", "2026-11-21T10:00:00Z", "ce-region", "eu", "Content-Type", "application/json"),
                bytes("{\"n\":1}")).getFirst();
        assertThat(e.getId()).isEqualTo("a1");
        assertThat(e.getSource()).isEqualTo(URI.create("/shop"));
        assertThat(e.getSubject()).isEqualTo("café");
        assertThat(e.getExtension("region")).isEqualTo("eu");
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    }

    @Test
    void readsStructuredModeWithJsonTextAndBase64Data() {
        CloudEvent json = CloudEventsHttp.read(headers("Content-Type", "application/cloudevents+json; charset=utf-8"),
                bytes("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"priority\":2,\"data\":{\"a\":[1,2]}}")).getFirst();
        assertThat(new String(json.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2]}");
        assertThat(json.getDataContentType()).isEqualTo("application/json");
        assertThat(json.getExtension("priority")).isEqualTo(2);
        CloudEvent text = CloudEventsHttp.read(headers("Content-Type", CloudEventsHttp.STRUCTURED),
                bytes("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"text/plain\",\"data\":\"hi\"}"))
                .getFirst();
        assertThat(new String(text.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
        CloudEvent binary = CloudEventsHttp.read(headers("Content-Type", CloudEventsHttp.STRUCTURED),
                bytes("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"AAEC\"}")).getFirst();
        assertThat(binary.getData().toBytes()).containsExactly(0, 1, 2);
    }

    @Test
    void readsABatch() {
        List<CloudEvent> events = CloudEventsHttp.read(headers("Content-Type", CloudEventsHttp.BATCH),
                bytes("[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"},"
                        + "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"u\"}]"));
        assertThat(events).extracting(CloudEvent::getType).containsExactly("t", "u");
    }

    @Test
    void namesTheMissingOrInvalidAttribute() {
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s"), new byte[0]))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessage("the required attribute 'type' is missing");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("ce-specversion", "0.2", "ce-id", "1", "ce-source", "/s", "ce-type", "t"),
                new byte[0])).hasMessage("specversion '0.2' is not supported");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("ce-specversion", "1.0", "ce-id", "", "ce-source", "/s", "ce-type", "t"),
                new byte[0])).hasMessage("the attribute 'id' is empty");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("ce-specversion", "1.0", "ce-id", "1", "ce-source", "a b", "ce-type", "t"),
                new byte[0])).hasMessageStartingWith("the attribute 'source' is not a URI-reference");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s", "ce-type", "t",
                "ce-time", "yesterday"), new byte[0])).hasMessage("the attribute 'time' is not an RFC 3339 timestamp: 'yesterday'");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s", "ce-type", "t",
                "ce-my_ext", "x"), new byte[0])).hasMessage("'my_ext' is not a valid attribute name");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("Content-Type", CloudEventsHttp.BATCH),
                bytes("[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"},{\"specversion\":\"1.0\",\"id\":\"2\",\"type\":\"t\"}]")))
                .hasMessage("event 2 of the batch: the required attribute 'source' is missing");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("Content-Type", CloudEventsHttp.STRUCTURED), bytes("{\"specversion\":")))
                .hasMessageStartingWith("the structured event is not valid JSON");
        assertThatThrownBy(() -> CloudEventsHttp.read(headers("Content-Type", "application/json"), bytes("{}")))
                .hasMessageContaining("no ce-specversion header and its Content-Type is 'application/json'");
    }

    @Test
    void writesBinaryModeThatReadsBackTheSameEvent() {
        CloudEvent event = CloudEventBuilder.v1().withId("x").withSource(URI.create("/s")).withType("t").withSubject("ünïcode")
                .withExtension("region", "eu").withDataContentType("text/plain").withData(bytes("hello")).build();
        Map<String, String> written = new LinkedHashMap<>();
        byte[] body = CloudEventsHttp.writeBinary(event, written::put);
        assertThat(written).containsEntry("ce-specversion", "1.0").containsEntry("ce-region", "eu").containsEntry("Content-Type", "text/plain");
        CloudEvent back = CloudEventsHttp.read(new ArrayList<>(written.entrySet()), body).getFirst();
        assertThat(back.getSubject()).isEqualTo("ünïcode");
        assertThat(back.getData().toBytes()).isEqualTo(bytes("hello"));
        assertThat(CloudEventsHttp.isEvent(new ArrayList<>(written.entrySet()))).isTrue();
        assertThat(CloudEventsHttp.isEvent(headers("Content-Type", "application/json"))).isFalse();
    }
}
