package dev.nubo.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.kafkasource.EmbeddedKafka;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka topic as an event source, end to end: a real single-node Kafka on loopback (EmbeddedKafka, from
 * kafka-source's test-jar) and a real server. The source, created with the CLI, turns each record into a
 * CloudEvent in the default broker; triggers deliver them to examples/hello-events, which logs each one.
 * Offsets are committed only once the events are stored: records whose events cannot be stored stay
 * uncommitted and are read again, and a restart of the server loses none.
 */
class KafkaSourceTest {

    private static final String SOURCE = "orders";
    private static final String TOPIC = "orders.v1";
    /** The group a source gets when none is given: {@code nubo-source-NAME}. */
    private static final String GROUP = "nubo-source-" + SOURCE;
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
    private static final List<String> TRIGGERS = List.of("kafka-records", "kafka-shipped");
    /** What hello-events logs for each event it receives. */
    private static final Pattern EVENT_LINE = Pattern.compile("event (\\S+) id=(\\S+) source=(\\S+) attempt=\\d+ data=(.*)");

    @TempDir
    static Path home;

    static EmbeddedKafka kafka;
    static Admin admin;
    static KafkaProducer<byte[], byte[]> producer;
    static TestNubo nubo;

    /** One line of hello-events' log. */
    record Received(String type, String id, String source, String data) {}

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic(TOPIC, PARTITIONS.size());
        admin = kafka.admin();
        producer = kafka.producer();
        nubo = TestNubo.start(home, 0);
        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-events").toString());
        assertCli(deploy);
    }

    @AfterAll
    static void stop() {
        if (nubo != null) {
            nubo.close();
        }
        if (producer != null) {
            producer.close();
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void recordsBecomeEventsForTheServiceAndNoneIsLostAcrossARestart() throws Exception {
        Map<String, String> types = Map.of("kafka-records", "dev.nubo.kafka.record", "kafka-shipped", "com.example.order.shipped");
        types.forEach((trigger, type) ->
                assertCli(nubo.nubo("trigger", "create", trigger, "--filter", "type=" + type, "--to", "hello-events")));
        TestNubo.CliResult source = nubo.nubo("source", "create", "kafka", SOURCE, "--bootstrap", kafka.bootstrapServers(),
                "--topic", TOPIC, "--broker", "default");
        assertCli(source);
        assertThat(source.out()).contains("source orders created: kafka to broker:default",
                "reading topic " + TOPIC + " at " + kafka.bootstrapServers() + " as group " + GROUP);
        awaitListedRunning();

        Map<String, String> plain = new HashMap<>(); // event id -> data
        for (int n = 0; n < 5; n++) {
            plain.putAll(sendPlain(n));
        }
        sendShipped();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, Received> received = received();
            plain.forEach((id, data) -> assertThat(received.get(id)).as("event %s", id)
                    .isEqualTo(new Received("dev.nubo.kafka.record", id, "/nubo/sources/" + SOURCE, data)));
            assertThat(received.get("order-7-shipped"))
                    .isEqualTo(new Received("com.example.order.shipped", "order-7-shipped", "/shop/orders", "{\"order\":7}"));
        });
        // Each look reads the committed offsets first, then what is stored: no record may be committed before
        // its event is, whenever we look. The stored count is every event the triggers matched: pending or done.
        List<String> committedBeforeStored = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long committed = committed();
            long stored = stored();
            if (stored < committed) {
                committedBeforeStored.add(committed + " records committed, " + stored + " events stored");
            }
            assertThat(committed).as("committed offsets of %s", GROUP).isEqualTo(endOffsets()).isEqualTo(plain.size() + 1);
        });
        assertThat(committedBeforeStored).isEmpty();

        // Some records just before the server stops (at least once: they may arrive twice), more while it is down.
        Map<String, String> later = new HashMap<>();
        for (int n = 5; n < 8; n++) {
            later.putAll(sendPlain(n));
        }
        CompletableFuture<Void> restarted = CompletableFuture.runAsync(() -> nubo.restart(Duration.ofSeconds(2)));
        await().atMost(Duration.ofSeconds(30)).failFast("the restart failed", restarted::isCompletedExceptionally)
                .until(() -> groupMembers() == 0);
        for (int n = 8; n < 11; n++) {
            later.putAll(sendPlain(n));
        }
        assertThat(restarted).as("the server is still down while the last records are produced").isNotDone();
        restarted.get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, Received> received = received();
            later.forEach((id, data) -> assertThat(received.get(id)).as("event %s", id)
                    .isEqualTo(new Received("dev.nubo.kafka.record", id, "/nubo/sources/" + SOURCE, data)));
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committed()).as("committed offsets of %s", GROUP)
                .isEqualTo(endOffsets()).isEqualTo(plain.size() + 1 + later.size()));
        awaitListedRunning();
    }

    @Test
    void recordsAreNotCommittedWhileTheServerCannotStoreTheirEvents() throws Exception {
        String topic = "parked.v1";
        String group = "parked-e2e";
        kafka.createTopic(topic, 1);
        assertCli(nubo.nubo("broker", "create", "parked"));
        assertCli(nubo.nubo("source", "create", "kafka", "parked", "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                "--group", group, "--broker", "parked"));
        awaitState("parked", "running");
        // A source's events can fail to be stored only when its broker is gone: deleting it is the one way,
        // from outside, to make the server's own sink refuse a hand-off.
        assertCli(nubo.nubo("broker", "delete", "parked"));
        for (int n = 0; n < 3; n++) {
            sendPlain(topic, n);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(nubo.nubo("source", "describe", "parked").out())
                .containsPattern("State:\\s+retrying")
                .containsPattern("Error:\\s+handing \\d records to broker:parked failed: no broker named parked"));
        assertThat(committed(group)).as("committed offsets of %s after failed hand-offs", group).isZero();

        assertCli(nubo.nubo("broker", "create", "parked"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(committed(group)).isEqualTo(3));
        awaitState("parked", "running");
    }

    private static Map<String, String> sendPlain(int n) throws Exception {
        return sendPlain(TOPIC, n);
    }

    /** A plain JSON record {@code {"n":N}}; returns the id and data of the event it becomes: TOPIC-PARTITION-OFFSET. */
    private static Map<String, String> sendPlain(String topic, int n) throws Exception {
        String data = "{\"n\":" + n + "}";
        RecordMetadata at = producer.send(new ProducerRecord<>(topic, ("key-" + n).getBytes(UTF_8), data.getBytes(UTF_8))).get();
        return Map.of(topic + "-" + at.partition() + "-" + at.offset(), data);
    }

    /** A binary-mode CloudEvent: attributes in ce_ headers, the value is the data. */
    private static void sendShipped() throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, null, "order-7".getBytes(UTF_8),
                "{\"order\":7}".getBytes(UTF_8), List.of(
                        new RecordHeader("ce_specversion", "1.0".getBytes(UTF_8)),
                        new RecordHeader("ce_type", "com.example.order.shipped".getBytes(UTF_8)),
                        new RecordHeader("ce_source", "/shop/orders".getBytes(UTF_8)),
                        new RecordHeader("ce_id", "order-7-shipped".getBytes(UTF_8)),
                        new RecordHeader("content-type", "application/json".getBytes(UTF_8))));
        producer.send(record).get();
    }

    /** The events hello-events has logged, by id (a repeated delivery shows once). */
    private static Map<String, Received> received() {
        TestNubo.CliResult logs = nubo.nubo("logs", "hello-events", "--tail", "10000");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        Map<String, Received> received = new HashMap<>();
        for (String line : logs.out().lines().toList()) {
            Matcher m = EVENT_LINE.matcher(line);
            if (m.find()) {
                received.put(m.group(2), new Received(m.group(1), m.group(2), m.group(3), m.group(4)));
            }
        }
        return received;
    }

    private static void assertCli(TestNubo.CliResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private static void awaitState(String source, String state) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(nubo.nubo("source", "describe", source).out())
                .containsPattern("State:\\s+" + state));
    }

    private static void awaitListedRunning() {
        Pattern row = Pattern.compile("(?m)^" + SOURCE + "\\s+kafka\\s+broker:default\\s+running\\s+topic " + Pattern.quote(TOPIC)
                + " at " + Pattern.quote(kafka.bootstrapServers()) + "\\s*$");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TestNubo.CliResult list = nubo.nubo("source", "list");
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out()).containsPattern(row);
        });
    }

    private static long committed() throws Exception {
        return committed(GROUP);
    }

    /** The group's committed offsets summed over the partitions: how many records it has committed. */
    private static long committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static long endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        PARTITIONS.forEach(p -> latest.put(p, OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static int groupMembers() throws Exception {
        return admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members().size();
    }

    /** Every event the Kafka triggers matched and the server stored: waiting, delivered or dead-lettered. */
    private static long stored() throws Exception {
        long stored = 0;
        for (String trigger : TRIGGERS) {
            JsonNode stats = Json.mapper().readTree(nubo.api("GET", "/v1/triggers/" + trigger, nubo.server().adminToken(),
                    HttpRequest.BodyPublishers.noBody()).body()).path("stats");
            stored += stats.path("pending").asLong() + stats.path("delivered").asLong() + stats.path("deadLettered").asLong();
        }
        return stored;
    }
}
