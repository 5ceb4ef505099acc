package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eventing end to end on a real server: CloudEvents from the official Java SDK in every HTTP mode,
 * triggers delivering to a real service through the gateway, reply chaining, async invocation,
 * cron and webhook sources. The event receiver is examples/hello-events, which logs each event.
 */
class EventsTest {

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 0);
        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-events").toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    static String logs(String service) {
        return nubo.nubo("logs", service, "--tail", "10000").out();
    }

    static HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + path))
                .header("Authorization", "Bearer " + nubo.server().adminToken()).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/sdk-test")).withType(type).withExtension("tenant", "acme")
                .withDataContentType("application/json").withData(("{\"n\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Sends {@code event} to the default broker in binary mode, the way the SDK's HTTP binding writes it. */
    static HttpResponse<String> sendBinary(CloudEvent event) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + "/v1/brokers/default/events"))
                .header("Authorization", "Bearer " + nubo.server().adminToken());
        byte[][] body = {new byte[0]};
        HttpMessageFactory.createWriter(b::header, bytes -> body[0] = bytes).writeBinary(event);
        return http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eventsFromTheSdkInEveryModeReachTheServiceAndRepliesAreChained() throws Exception {
        TestNubo.CliResult trigger = nubo.nubo("trigger", "create", "sdk", "--broker", "default", "--filter", "tenant=acme",
                "--filter-prefix", "type=sdk.", "--to", "hello-events");
        assertThat(trigger.exitCode()).as(trigger.toString()).isZero();
        TestNubo.CliResult chained = nubo.nubo("trigger", "create", "chained", "--filter", "type=order.confirmed", "--to", "hello-events");
        assertThat(chained.exitCode()).as(chained.toString()).isZero();
        TestNubo.CliResult orders = nubo.nubo("trigger", "create", "sdk-orders", "--filter", "type=order.created",
                "--filter-suffix", "source=/sdk-test", "--to", "hello-events");
        assertThat(orders.exitCode()).as(orders.toString()).isZero();

        assertThat(sendBinary(event("bin-1", "sdk.binary")).statusCode()).isEqualTo(202);

        HttpRequest.Builder structured = HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + "/v1/brokers/default/events"))
                .header("Authorization", "Bearer " + nubo.server().adminToken());
        byte[][] body = {new byte[0]};
        HttpMessageFactory.createWriter(structured::header, bytes -> body[0] = bytes).writeStructured(event("str-1", "sdk.structured"),
                new JsonFormat());
        HttpResponse<String> s = http.send(structured.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(s.statusCode()).as(s.body()).isEqualTo(202);

        JsonFormat format = new JsonFormat();
        String batch = "[" + new String(format.serialize(event("bat-1", "sdk.batch")), StandardCharsets.UTF_8) + ","
                + new String(format.serialize(event("bat-2", "sdk.batch")), StandardCharsets.UTF_8) + ","
                + new String(format.serialize(event("ord-1", "order.created")), StandardCharsets.UTF_8) + "]";
        HttpResponse<String> b = post("/v1/brokers/default/events", Map.of("Content-Type", "application/cloudevents-batch+json"),
                batch.getBytes(StandardCharsets.UTF_8));
        assertThat(b.statusCode()).isEqualTo(202);
        assertThat(Json.mapper().readTree(b.body()).path("accepted").asInt()).isEqualTo(3);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logs("hello-events")).contains(
                "event sdk.binary id=bin-1 source=/sdk-test attempt=1 data={\"n\":\"bin-1\"}",
                "event sdk.structured id=str-1", "event sdk.batch id=bat-1", "event sdk.batch id=bat-2",
                "event order.created id=ord-1",
                "event order.confirmed id=")); // hello-events answered order.created with it; Nubo published it back
        JsonNode stats = Json.mapper().readTree(nubo.api("GET", "/v1/triggers/sdk", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.noBody()).body()).path("stats");
        assertThat(stats.path("pending").asInt()).isZero();
    }

    @Test
    void undeliverableEventsAreListedAsDeadLettersAndCanBeReplayedOrDiscarded() throws Exception {
        TestNubo.CliResult trigger = nubo.nubo("trigger", "create", "lost", "--filter", "type=dl.test", "--to", "not-deployed",
                "--attempts", "1");
        assertThat(trigger.exitCode()).as(trigger.toString()).isZero();
        assertThat(sendBinary(event("dl-1", "dl.test")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(nubo.nubo("events", "dead-letters", "--trigger", "lost").out())
                .contains("trigger:lost", "dl.test", "dl-1", "gave up after 1 attempt: HTTP 404 from not-deployed"));
        JsonNode listed = Json.mapper().readTree(nubo.nubo("events", "dead-letters", "--trigger", "lost", "-o", "json").out());
        long first = listed.path("deadLetters").get(0).path("id").asLong();

        TestNubo.CliResult replay = nubo.nubo("events", "replay", Long.toString(first));
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        // Still not deployed: the replayed event fails its one attempt again and comes back under a new id.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode again = Json.mapper().readTree(nubo.nubo("events", "dead-letters", "--trigger", "lost", "-o", "json").out())
                    .path("deadLetters");
            assertThat(again).hasSize(1);
            assertThat(again.get(0).path("id").asLong()).isNotEqualTo(first);
            assertThat(again.get(0).path("event").path("id").asText()).isEqualTo("dl-1");
        });
        long second = Json.mapper().readTree(nubo.nubo("events", "dead-letters", "--trigger", "lost", "-o", "json").out())
                .path("deadLetters").get(0).path("id").asLong();
        assertThat(nubo.nubo("events", "discard", Long.toString(second)).exitCode()).isZero();
        assertThat(Json.mapper().readTree(nubo.nubo("events", "dead-letters", "--trigger", "lost", "-o", "json").out())
                .path("deadLetters")).isEmpty();
    }

    @Test
    void invalidEventsAreRefusedWithTheAttributeNamed() throws Exception {
        HttpResponse<String> noType = post("/v1/brokers/default/events", Map.of("ce-specversion", "1.0", "ce-id", "x",
                "ce-source", "/s"), new byte[0]);
        assertThat(noType.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(noType.body()).path("error").path("message").asText())
                .isEqualTo("the required attribute 'type' is missing");
        HttpResponse<String> notAnEvent = post("/v1/brokers/default/events", Map.of("Content-Type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(notAnEvent.statusCode()).isEqualTo(400);
        assertThat(notAnEvent.body()).contains("no ce-specversion header");
        HttpResponse<String> unknown = post("/v1/brokers/nope/events", Map.of("ce-specversion", "1.0", "ce-id", "x",
                "ce-source", "/s", "ce-type", "t"), new byte[0]);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no broker named nope");
        HttpResponse<String> tooBig = post("/v1/brokers/default/events", Map.of("ce-specversion", "1.0", "ce-id", "x",
                "ce-source", "/s", "ce-type", "t"), new byte[5 << 20]);
        assertThat(tooBig.statusCode()).isEqualTo(413);
    }

    @Test
    void asyncInvocationAnswersAtOnceAndIsListedWithItsOutcome() throws Exception {
        TestNubo.CliResult invoke = nubo.nubo("invoke", "hello-events", "--async", "-d", "{\"async\":true}");
        assertThat(invoke.exitCode()).as(invoke.toString()).isZero();
        String id = invoke.out().replaceAll("(?s).*(inv-[0-9a-z]+).*", "$1");
        assertThat(id).startsWith("inv-");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TestNubo.CliResult list = nubo.nubo("invocations", "hello-events");
            assertThat(list.out()).contains(id, "succeeded", "1/3");
        });
        JsonNode one = Json.mapper().readTree(nubo.api("GET", "/v1/invocations/" + id, nubo.server().adminToken(),
                HttpRequest.BodyPublishers.noBody()).body());
        assertThat(one.path("statusCode").asInt()).isEqualTo(204);
        assertThat(logs("hello-events")).contains("data={\"async\":true}");

        HttpResponse<String> badType = post("/v1/services/hello-events/invoke", Map.of("Nubo-Invocation-Type", "Later"), new byte[0]);
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(badType.body()).contains("'Later' is not an invocation type");
    }

    @Test
    void asyncInvocationThatKeepsFailingEndsFailedWithItsRequestInTheDeadLetters() throws Exception {
        Path example = TestNubo.example("hello-node-function");
        Path failing = TestNubo.app(apps, "always-fails", Files.readString(example.resolve("nubo.yaml"))
                        .replace("name: hello-node-function", "name: always-fails") + "async:\n  retries: 1\n",
                Map.of("index.mjs", Files.readString(example.resolve("index.mjs"))));
        TestNubo.CliResult deploy = nubo.nubo("deploy", failing.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();

        TestNubo.CliResult invoke = nubo.nubo("invoke", "always-fails", "--async", "-d", "{\"name\":\"error\"}");
        assertThat(invoke.exitCode()).as(invoke.toString()).isZero();
        String id = invoke.out().replaceAll("(?s).*(inv-[0-9a-z]+).*", "$1");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(nubo.nubo("invocations", "always-fails").out()).contains(id, "failed", "2/2"));
        JsonNode one = Json.mapper().readTree(nubo.api("/v1/invocations/" + id).body());
        assertThat(one.path("statusCode").asInt()).isEqualTo(500);
        assertThat(one.toString()).contains("no greeting for 'error'");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(nubo.nubo("events", "dead-letters").out())
                .contains("result:" + id, "dev.nubo.invocation.failed", "no greeting for 'error'"));
    }

    @Test
    void webhooksCheckTheirSignatureAndCronFiresOnScheduleAndOnceForMissedRuns() throws Exception {
        TestNubo.CliResult hook = nubo.nubo("source", "create", "webhook", "gh", "--secret", "It's a Secret to Everybody",
                "--to", "hello-events/hooks");
        assertThat(hook.exitCode()).as(hook.toString()).isZero();
        byte[] payload = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(payload));
        HttpResponse<String> signed = http.send(HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + "/v1/webhooks/gh"))
                .header("X-Hub-Signature-256", signature).header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "d-1")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + "/v1/webhooks/gh"))
                .header("X-Hub-Signature-256", "sha256=" + "0".repeat(64)).header("X-GitHub-Delivery", "d-2")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("does not match its body");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logs("hello-events"))
                .contains("event com.github.push id=d-1 source=/nubo/sources/gh").doesNotContain("id=d-2"));

        TestNubo.CliResult cron = nubo.nubo("source", "create", "cron", "tick", "--schedule", "* * * * * *", "--to", "hello-events/tick");
        assertThat(cron.exitCode()).as(cron.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logs("hello-events"))
                .contains("event dev.nubo.cron.fired id=tick@", "\"missed\":0"));
        nubo.restart(Duration.ofSeconds(3)); // several firings are missed while it is down; exactly one makes up for them
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(logs("hello-events"))
                .containsPattern("\"missed\":[1-9]"));
        assertThat(nubo.nubo("source", "delete", "tick").exitCode()).isZero();
        // The event log goes with the store: NUBO_HOME's own SQLite file, or the shared PostgreSQL database.
        assertThat(Files.exists(home.resolve("events.db"))).isEqualTo(!"postgresql".equals(System.getProperty("nubo.test.store")));
    }
}
