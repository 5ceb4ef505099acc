package dev.nubo.kafkasource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The mapping's corner cases, on records built in memory; KafkaSourceTest covers the main cases end to end. */
class RecordMappingTest {

    private final RecordMapping mapping = new RecordMapping("orders");

    @Test
    void tellsJsonFromOtherBytes() {
        assertThat(RecordMapping.isJson("{\"a\": [1, 2]}".getBytes(UTF_8))).isTrue();
        assertThat(RecordMapping.isJson(" 42 ".getBytes(UTF_8))).isTrue();
        assertThat(RecordMapping.isJson("\"text\"".getBytes(UTF_8))).isTrue();
        assertThat(RecordMapping.isJson("{\"a\": ".getBytes(UTF_8))).isFalse();
        assertThat(RecordMapping.isJson("{} {}".getBytes(UTF_8))).as("two values are not one JSON document").isFalse();
        assertThat(RecordMapping.isJson("hello".getBytes(UTF_8))).isFalse();
        assertThat(RecordMapping.isJson(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isFalse();
    }

    @Test
    void usesTheKeyAsPartitionKeyOnlyWhenItIsText() {
        assertThat(RecordMapping.partitionKey("customer-42".getBytes(UTF_8))).contains("customer-42");
        assertThat(RecordMapping.partitionKey("clé".getBytes(UTF_8))).contains("clé");
        assertThat(RecordMapping.partitionKey(new byte[] {(byte) 0xc3, 0x28})).as("malformed UTF-8").isEmpty();
        assertThat(RecordMapping.partitionKey(new byte[] {0, 0, 0, 42})).as("a binary id").isEmpty();
        assertThat(RecordMapping.partitionKey(new byte[0])).isEmpty();
        assertThat(RecordMapping.partitionKey(null)).isEmpty();
    }

    @Test
    void aRecordWithoutValueOrTimestampHasNoDataAndNoTime() {
        CloudEvent event = mapping.toEvent(record(null, ConsumerRecord.NO_TIMESTAMP, new RecordHeaders()));

        assertThat(event.getId()).isEqualTo("orders-2-17");
        assertThat(event.getData()).isNull();
        assertThat(event.getDataContentType()).isNull();
        assertThat(event.getTime()).isNull();
    }

    @Test
    void aStructuredRecordWithAnUnknownFormatIsWrappedEvenWithCeHeaders() {
        var headers = new RecordHeaders()
                .add(header("content-type", "application/cloudevents+avro"))
                .add(header("ce_specversion", "1.0"))
                .add(header("ce_id", "1"))
                .add(header("ce_source", "/shop"))
                .add(header("ce_type", "order.created"));

        CloudEvent event = mapping.toEvent(record(new byte[] {1, 2}, 0, headers));

        assertThat(event.getType()).isEqualTo("dev.nubo.kafka.record");
        assertThat(event.getDataContentType()).isEqualTo("application/cloudevents+avro");
        assertThat(event.getExtension("nuboerror")).isEqualTo("not a valid structured-mode CloudEvent: no event format"
                + " for content type application/cloudevents+avro; Nubo reads application/cloudevents+json");
    }

    @Test
    void aBinaryRecordWithJsonDataKeepsTheValueAsData() {
        var headers = new RecordHeaders()
                .add(header("ce_specversion", "1.0"))
                .add(header("ce_id", "1"))
                .add(header("ce_source", "/shop"))
                .add(header("ce_type", "order.created"))
                .add(header("content-type", "application/json"));

        CloudEvent event = mapping.toEvent(record("{\"order\": 7}".getBytes(UTF_8), 0, headers));

        assertThat(event.getType()).isEqualTo("order.created");
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(event.getData().toBytes(), UTF_8)).isEqualTo("{\"order\": 7}");
    }

    @Test
    void structuredDetectionIgnoresCaseAndParameters() {
        var headers = new RecordHeaders().add(header("content-type", "Application/CloudEvents+JSON ; charset=utf-8"));
        byte[] value = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}".getBytes(UTF_8);

        CloudEvent event = mapping.toEvent(record(value, 0, headers));

        assertThat(event.getType()).isEqualTo("t");
    }

    @Test
    void anUnknownSpecVersionIsWrapped() {
        var headers = new RecordHeaders().add(header("ce_specversion", "9.9")).add(header("ce_id", "1"));

        CloudEvent event = mapping.toEvent(record("x".getBytes(UTF_8), 0, headers));

        assertThat(event.getType()).isEqualTo("dev.nubo.kafka.record");
        assertThat((String) event.getExtension("nuboerror")).startsWith("not a valid binary-mode CloudEvent: ")
                .contains("9.9");
        assertThat(event.getDataContentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void aHeaderWithoutValueDoesNotBreakTheMapping() {
        var headers = new RecordHeaders().add(new RecordHeader("content-type", null)).add(new RecordHeader("ce_specversion", null));

        CloudEvent event = mapping.toEvent(record("{}".getBytes(UTF_8), 0, headers));

        assertThat(event.getType()).isEqualTo("dev.nubo.kafka.record");
        assertThat(event.getExtension("nuboerror")).isNotNull();
        assertThat(event.getDataContentType()).isEqualTo("application/json");
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value, long timestamp, Headers headers) {
        return new ConsumerRecord<>("orders", 2, 17, timestamp, TimestampType.CREATE_TIME, 0, value == null ? 0 : value.length,
                null, value, headers, Optional.empty());
    }

    private static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value.getBytes(UTF_8));
    }
}
