package dev.nubo.kafkasource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.Failure;
import dev.nubo.eventsink.LogCapture;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real single-node Kafka on loopback, one per class; each test has its own topic and consumer group. */
class KafkaSourceTest {

    private static final Destination TO = Destination.parse("broker:default");
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final long TIMESTAMP = Instant.parse("2025-03-01T10:15:30.123Z").toEpochMilli();
    private static final Backoff FAST = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    private final List<KafkaSource> sources = new ArrayList<>();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        admin = kafka.admin();
        producer = kafka.producer();
    }

    @AfterAll
    static void stopKafka() {
        producer.close();
        admin.close();
        kafka.close();
    }

    @AfterEach
    void closeSources() {
        sources.forEach(KafkaSource::close);
    }

    @Test
    void plainRecordsBecomeRecordEvents() throws Exception {
        String topic = topic("plain");
        send(topic, "order-7".getBytes(UTF_8), "{\"id\": 7}".getBytes(UTF_8));
        send(topic, new byte[] {(byte) 0xff, 0x00}, new byte[] {1, 2, 3});
        send(topic, null, "a,b\n1,2\n".getBytes(UTF_8), header("content-type", "text/csv"));
        RecordingSink sink = new RecordingSink();

        start("plain", topic, sink);

        await().untilAsserted(() -> assertThat(sink.stored()).hasSize(3));
        CloudEvent json = sink.stored().get(0);
        assertThat(json.getType()).isEqualTo("dev.nubo.kafka.record");
        assertThat(json.getSource()).isEqualTo(URI.create("/nubo/sources/plain"));
        assertThat(json.getId()).isEqualTo(topic + "-0-0");
        assertThat(json.getSubject()).isEqualTo(topic + "/0/0");
        assertThat(json.getTime()).isEqualTo(OffsetDateTime.ofInstant(Instant.ofEpochMilli(TIMESTAMP), ZoneOffset.UTC));
        assertThat(json.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(json.getData().toBytes(), UTF_8)).isEqualTo("{\"id\": 7}");
        assertThat(json.getExtension("partitionkey")).isEqualTo("order-7");
        assertThat(json.getExtension("nuboerror")).isNull();

        CloudEvent bytes = sink.stored().get(1);
        assertThat(bytes.getId()).isEqualTo(topic + "-0-1");
        assertThat(bytes.getDataContentType()).isEqualTo("application/octet-stream");
        assertThat(bytes.getData().toBytes()).containsExactly(1, 2, 3);
        assertThat(bytes.getExtension("partitionkey")).as("a key that is not UTF-8 is left out").isNull();

        CloudEvent csv = sink.stored().get(2);
        assertThat(csv.getDataContentType()).isEqualTo("text/csv");
        assertThat(csv.getExtensionNames()).doesNotContain("partitionkey");
        assertThat(sink.destinations()).containsOnly(TO);
    }

    @Test
    void binaryModeRecordKeepsItsAttributesAndExtensions() throws Exception {
        String topic = topic("binary");
        send(topic, "k1".getBytes(UTF_8), "<order id=\"7\"/>".getBytes(UTF_8),
                header("ce_specversion", "1.0"),
                header("ce_type", "com.example.order.created"),
                header("ce_source", "/shop/orders"),
                header("ce_id", "order-7-created"),
                header("ce_time", "2018-04-05T03:56:24Z"),
                header("ce_subject", "orders/7"),
                header("ce_tenant", "acme"),
                header("content-type", "application/xml"));
        RecordingSink sink = new RecordingSink();

        start("binary", topic, sink);

        await().untilAsserted(() -> assertThat(sink.stored()).hasSize(1));
        CloudEvent event = sink.stored().getFirst();
        assertThat(event.getType()).isEqualTo("com.example.order.created");
        assertThat(event.getSource()).isEqualTo(URI.create("/shop/orders"));
        assertThat(event.getId()).isEqualTo("order-7-created");
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2018-04-05T03:56:24Z"));
        assertThat(event.getSubject()).isEqualTo("orders/7");
        assertThat(event.getDataContentType()).isEqualTo("application/xml");
        assertThat(new String(event.getData().toBytes(), UTF_8)).isEqualTo("<order id=\"7\"/>");
        assertThat(event.getExtension("tenant")).isEqualTo("acme");
        assertThat(event.getExtensionNames()).as("the binding: a key mapping must not change the event")
                .doesNotContain("partitionkey", "nuboerror");
    }

    @Test
    void structuredModeRecordIsReadFromTheJsonFormat() throws Exception {
        String topic = topic("structured");
        String value = """
                {"specversion": "1.0", "type": "com.example.order.shipped", "source": "/shop/orders",
                 "id": "order-7-shipped", "time": "2018-04-05T17:31:00Z", "tenant": "acme",
                 "datacontenttype": "application/json", "data": {"order": 7, "carrier": "dhl"}}""";
        send(topic, "k1".getBytes(UTF_8), value.getBytes(UTF_8),
                header("content-type", "application/cloudevents+json; charset=UTF-8"));
        RecordingSink sink = new RecordingSink();

        start("structured", topic, sink);

        await().untilAsserted(() -> assertThat(sink.stored()).hasSize(1));
        CloudEvent event = sink.stored().getFirst();
        assertThat(event.getType()).isEqualTo("com.example.order.shipped");
        assertThat(event.getSource()).isEqualTo(URI.create("/shop/orders"));
        assertThat(event.getId()).isEqualTo("order-7-shipped");
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2018-04-05T17:31:00Z"));
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(JSON.readTree(event.getData().toBytes())).isEqualTo(JSON.readTree("{\"order\": 7, \"carrier\": \"dhl\"}"));
        assertThat(event.getExtension("tenant")).isEqualTo("acme");
        assertThat(event.getExtensionNames()).doesNotContain("partitionkey", "nuboerror");
    }

    @Test
    void invalidCloudEventsAreWrappedNotLostAndDoNotBlockThePartition() throws Exception {
        String topic = topic("invalid");
        String noType = "{\"specversion\": \"1.0\", \"source\": \"/shop\", \"id\": \"1\"}";
        send(topic, null, noType.getBytes(UTF_8), header("content-type", "application/cloudevents+json"));
        send(topic, null, "hello".getBytes(UTF_8), header("ce_specversion", "1.0"), header("ce_type", "t"),
                header("ce_source", "/s"), header("content-type", "text/plain"));
        send(topic, null, "{}".getBytes(UTF_8));
        RecordingSink sink = new RecordingSink();

        KafkaSource source = start("invalid", topic, sink);

        await().untilAsserted(() -> assertThat(sink.stored()).hasSize(3));
        CloudEvent structured = sink.stored().get(0);
        assertThat(structured.getType()).isEqualTo("dev.nubo.kafka.record");
        assertThat(structured.getId()).isEqualTo(topic + "-0-0");
        assertThat(structured.getDataContentType()).isEqualTo("application/cloudevents+json");
        assertThat(new String(structured.getData().toBytes(), UTF_8)).isEqualTo(noType);
        assertThat((String) structured.getExtension("nuboerror"))
                .startsWith("not a valid structured-mode CloudEvent: ").containsIgnoringCase("type");

        CloudEvent binary = sink.stored().get(1);
        assertThat(binary.getType()).isEqualTo("dev.nubo.kafka.record");
        assertThat(binary.getDataContentType()).isEqualTo("text/plain");
        assertThat((String) binary.getExtension("nuboerror"))
                .startsWith("not a valid binary-mode CloudEvent: ").contains("id");

        assertThat(sink.stored().get(2).getExtension("nuboerror")).isNull();
        await().untilAsserted(() -> assertThat(committed(source)).hasValue(3));
    }

    @Test
    void commitsOffsetsOnlyAfterTheHandOffCompletes() throws Exception {
        String topic = topic("commit");
        RecordingSink sink = new RecordingSink();
        sink.hold();
        for (int i = 0; i < 3; i++) {
            send(topic, null, ("{\"n\": " + i + "}").getBytes(UTF_8));
        }

        KafkaSource source = start("commit", topic, sink);

        await().untilAsserted(() -> assertThat(sink.attempts()).isNotEmpty());
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(committed(source)).as("nothing committed while the sink holds").isEmpty());
        assertThat(source.status().handedOff()).isZero();

        sink.release();

        await().untilAsserted(() -> assertThat(committed(source)).hasValue(3));
        assertThat(sink.storedIds()).containsExactly(topic + "-0-0", topic + "-0-1", topic + "-0-2");
        assertThat(source.status()).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RUNNING, 3, Optional.empty()));
    }

    @Test
    void failedHandOffCommitsNothingAndRepublishesTheSameRecords() throws Exception {
        String topic = topic("failing");
        RecordingSink sink = new RecordingSink();
        sink.failWith(new IllegalStateException("event log is full"));
        for (int i = 0; i < 3; i++) {
            send(topic, null, ("{\"n\": " + i + "}").getBytes(UTF_8));
        }

        KafkaSource source = start("failing", topic, sink);

        await().untilAsserted(() -> assertThat(sink.attempts()).hasSizeGreaterThanOrEqualTo(3));
        assertThat(committed(source)).isEmpty();
        KafkaSourceStatus retrying = source.status();
        assertThat(retrying.state()).isEqualTo(KafkaSourceState.RETRYING);
        assertThat(retrying.lastError().orElseThrow().message())
                .isEqualTo("handing 3 records to broker:default failed: IllegalStateException: event log is full");
        List<String> firstAttempt = sink.attempts().getFirst().stream().map(CloudEvent::getId).toList();
        assertThat(firstAttempt).containsExactly(topic + "-0-0", topic + "-0-1", topic + "-0-2");
        assertThat(sink.attempts()).allSatisfy(batch ->
                assertThat(batch.stream().map(CloudEvent::getId).toList()).isEqualTo(firstAttempt));

        sink.stopFailing();

        await().untilAsserted(() -> assertThat(committed(source)).hasValue(3));
        assertThat(sink.storedIds()).isEqualTo(firstAttempt);
        assertThat(source.status()).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RUNNING, 3, Optional.empty()));
    }

    @Test
    void aSinkThatThrowsAnErrorIsLoggedShownWithItsTimeAndRetriedWithoutSkippingARecord() throws Exception {
        String topic = topic("error");
        RecordingSink sink = new RecordingSink();
        sink.throwError(new NoClassDefFoundError("io/cloudevents/jackson/JsonFormat"));
        for (int i = 0; i < 3; i++) {
            send(topic, null, ("{\"n\": " + i + "}").getBytes(UTF_8));
        }

        try (LogCapture log = LogCapture.of(KafkaSource.class)) {
            KafkaSource source = start("error", topic, sink);

            await().untilAsserted(() -> assertThat(sink.attempts()).hasSizeGreaterThanOrEqualTo(2));
            KafkaSourceStatus retrying = source.status();
            assertThat(retrying.state()).as("the consumer thread lives on").isEqualTo(KafkaSourceState.RETRYING);
            assertThat(retrying.lastError()).contains(new Failure(NOW, "handing 3 records to broker:default failed:"
                    + " NoClassDefFoundError: io/cloudevents/jackson/JsonFormat"));
            assertThat(log.lines()).anyMatch(l -> l.matches("WARN Kafka source error \\(topic " + topic + "\\): handing 3 records to"
                    + " broker:default failed: NoClassDefFoundError: io/cloudevents/jackson/JsonFormat; retrying in \\d+ ms"
                    + " \\[java.lang.NoClassDefFoundError: io/cloudevents/jackson/JsonFormat]"));
            assertThat(committed(source)).isEmpty();

            sink.stopFailing();

            await().untilAsserted(() -> assertThat(committed(source)).hasValue(3));
            assertThat(sink.storedIds()).containsExactly(ids(topic, 0, 3));
            assertThat(source.status()).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RUNNING, 3, Optional.empty()));
        }
    }

    @Test
    void aRestartedSourceResumesAfterTheLastCommitAndRepeatsOnlyUncommittedRecords() throws Exception {
        String topic = topic("resume");
        for (int i = 0; i < 3; i++) {
            send(topic, null, ("{\"n\": " + i + "}").getBytes(UTF_8));
        }
        RecordingSink first = new RecordingSink();
        KafkaSource before = start("resume", topic, first);
        await().untilAsserted(() -> assertThat(committed(before)).hasValue(3));

        first.hold();
        send(topic, null, "{\"n\": 3}".getBytes(UTF_8));
        send(topic, null, "{\"n\": 4}".getBytes(UTF_8));
        await().untilAsserted(() -> assertThat(first.attempts()).hasSizeGreaterThanOrEqualTo(2));
        long started = System.nanoTime();
        before.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close does not wait for a held hand-off")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(before.status().state()).isEqualTo(KafkaSourceState.STOPPED);
        assertThat(committed(before)).as("the held batch is not committed").hasValue(3);
        first.release(); // the old hand-off completes late: a duplicate, never a loss

        RecordingSink second = new RecordingSink();
        KafkaSource after = start("resume", topic, second);
        send(topic, null, "{\"n\": 5}".getBytes(UTF_8));

        await().untilAsserted(() -> assertThat(committed(after)).hasValue(6));
        assertThat(second.storedIds()).containsExactly(ids(topic, 3, 6));
        List<String> all = new ArrayList<>(first.storedIds());
        all.addAll(second.storedIds());
        assertThat(all).containsAll(List.of(ids(topic, 0, 6)));
    }

    private KafkaSource start(String name, String topic, RecordingSink sink) {
        KafkaSource source = KafkaSource.start(new KafkaSourceConfig(name, kafka.bootstrapServers(), topic, null, TO), sink,
                InstantSource.fixed(NOW), FAST);
        sources.add(source);
        return source;
    }

    private static String topic(String name) throws Exception {
        String topic = "test." + name;
        kafka.createTopic(topic, 1);
        return topic;
    }

    private static void send(String topic, byte[] key, byte[] value, Header... headers) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, TIMESTAMP, key, value, List.of(headers))).get();
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(UTF_8));
    }

    /** The group's committed offset for partition 0 of the source's topic, as another client sees it. */
    private static OptionalLong committed(KafkaSource source) throws Exception {
        KafkaSourceConfig config = source.config();
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(config.group()).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(new TopicPartition(config.topic(), 0));
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
    }

    private static String[] ids(String topic, long from, long to) {
        return LongStream.range(from, to).mapToObj(n -> topic + "-0-" + n).toArray(String[]::new);
    }
}
