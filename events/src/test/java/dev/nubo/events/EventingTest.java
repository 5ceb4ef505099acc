package dev.nubo.events;

import static dev.nubo.events.Fixtures.count;
import static dev.nubo.events.Fixtures.event;
import static dev.nubo.events.Fixtures.eventId;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Brokers, triggers and deliveries over real sockets to a real HTTP server standing in the gateway's place,
 * with the event log on SQLite and on PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Database.class)
class EventingTest {

    @RegisterExtension
    final Harness harness;
    final TargetServer target;
    Eventing eventing;

    EventingTest(Database database) {
        harness = new Harness(database);
        target = harness.target;
    }

    private Eventing open(InstantSource clock) {
        return open(clock, Shortcut.NONE);
    }

    private Eventing open(InstantSource clock, Shortcut shortcut) {
        eventing = harness.open(clock, shortcut);
        return eventing;
    }

    private long delivered(String trigger) {
        return eventing.trigger(trigger).delivered();
    }

    /** The stored row of the only pending delivery: attempts and next_at. */
    private long[] pendingRow() {
        return harness.log().read(sql -> {
            try (ResultSet rs = sql.get("SELECT attempts, next_at FROM deliveries").executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        });
    }

    @Test
    void deliversMatchingEventsAsBinaryCloudEventsToTheTriggersService() throws Exception {
        open(InstantSource.system());
        eventing.createTrigger(trigger("{'name':'orders','broker':'default','to':'orders/events',"
                + "'filters':[{'attribute':'type','match':'exact','value':'order.created'}]}"));
        assertThat(eventing.ingest("default", List.of(event("a1", "order.created"), event("a2", "order.paid"))).get(5, TimeUnit.SECONDS))
                .isEqualTo(2);

        TargetServer.Received r = target.next();
        assertThat(r.host()).isEqualTo("orders.localhost:" + target.port());
        assertThat(r.path()).isEqualTo("/events");
        assertThat(r.header("ce-specversion")).isEqualTo("1.0");
        assertThat(r.header("ce-id")).isEqualTo("a1");
        assertThat(r.header("ce-type")).isEqualTo("order.created");
        assertThat(r.header("ce-source")).isEqualTo("/shop");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("nubo-attempt")).isEqualTo("1");
        assertThat(r.text()).isEqualTo("{\"id\":\"a1\"}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> delivered("orders") == 1);
        assertThat(target.received.poll(200, TimeUnit.MILLISECONDS)).as("the order.paid event matches no trigger").isNull();
        assertThat(pendingRow()).as("a delivered event leaves nothing pending").isNull();
    }

    @Test
    void aSlotOnAnInstanceSendsStraightToItAndIsReleasedOnceElseTheGatewayIsUsed() throws Exception {
        try (TargetServer instance = new TargetServer(harness.vertx)) {
            java.util.concurrent.atomic.AtomicInteger claims = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger releases = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean hasRoom = new java.util.concurrent.atomic.AtomicBoolean(true);
            open(InstantSource.system(), (service, length) -> {
                assertThat(service).isEqualTo("orders");
                if (!hasRoom.get()) {
                    return Optional.empty();
                }
                claims.incrementAndGet();
                return Optional.of(new Shortcut.Lease("127.0.0.1", instance.port(), releases::incrementAndGet));
            });
            instance.answer = r -> TargetServer.Answer.status(500);
            eventing.createTrigger(trigger("{'name':'orders','to':'orders/in','delivery':{'attempts':1}}"));
            eventing.ingest("default", List.of(event("a1", "t"))).get(5, TimeUnit.SECONDS);
            TargetServer.Received direct = instance.next();
            assertThat(direct.path()).isEqualTo("/in");
            assertThat(direct.header("ce-id")).isEqualTo("a1");
            assertThat(direct.header("x-request-id")).startsWith("dlv-");
            await().atMost(5, TimeUnit.SECONDS).until(() -> !eventing.deadLetters().list(Optional.empty(), 1).isEmpty());
            assertThat(releases.get()).as("a failed exchange gives its slot back too").isEqualTo(claims.get()).isEqualTo(1);

            hasRoom.set(false);
            eventing.ingest("default", List.of(event("a2", "t"))).get(5, TimeUnit.SECONDS);
            assertThat(target.next().header("ce-id")).as("no room: through the gateway, which holds it").isEqualTo("a2");
            assertThat(instance.received).isEmpty();
            assertThat(releases.get()).isEqualTo(1);
        }
    }

    @Test
    void retriesWithExponentialBackoffOnTheInjectedClockThenDeadLetters() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
        open(clock);
        target.answer = r -> TargetServer.Answer.status(500);
        eventing.createTrigger(trigger("{'name':'orders','to':'orders','delivery':{'attempts':3,'backoff':'1s','maxBackoff':'4s'}}"));
        eventing.ingest("default", List.of(event("a1", "order.created"))).get(5, TimeUnit.SECONDS);

        long[] expectedNominal = {1000, 2000};
        for (int failed = 1; failed <= 2; failed++) {
            assertThat(target.next().header("nubo-attempt")).isEqualTo(Integer.toString(failed));
            int attempts = failed;
            await().atMost(5, TimeUnit.SECONDS).until(() -> pendingRow() != null && pendingRow()[0] == attempts);
            long wait = pendingRow()[1] - clock.millis();
            assertThat(wait).as("wait after %d failures", failed).isBetween(expectedNominal[failed - 1] / 2, expectedNominal[failed - 1]);

            clock.advance(Duration.ofMillis(wait - 1));
            eventing.dispatcher.wake();
            assertThat(target.received.poll(300, TimeUnit.MILLISECONDS)).as("nothing is sent before the backoff has passed").isNull();
            clock.advance(Duration.ofMillis(1));
            eventing.dispatcher.wake();
        }
        assertThat(target.next().header("nubo-attempt")).isEqualTo("3");
        await().atMost(5, TimeUnit.SECONDS).until(() -> !eventing.deadLetters().list(Optional.empty(), 10).isEmpty());
        DeadLetter dead = eventing.deadLetters().list(Optional.of("trigger:orders"), 10).getFirst();
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.reason()).isEqualTo("gave up after 3 attempts: HTTP 500 from orders");
        assertThat(eventId(dead)).isEqualTo("a1");
        assertThat(pendingRow()).isNull();
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.trigger("orders").deadLettered() == 1);
        assertThat(eventing.retried()).as("two failed attempts were tried again; the third gave up").containsExactly(Map.entry("orders", 2L));
        assertThat(eventing.ingested()).containsExactly(Map.entry("default", 1L));
    }

    @Test
    void honoursRetryAfterOn503() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
        open(clock);
        target.answer = r -> new TargetServer.Answer(503, Map.of("Retry-After", "30"), "busy");
        eventing.createTrigger(trigger("{'name':'orders','to':'orders','delivery':{'backoff':'100ms'}}"));
        eventing.ingest("default", List.of(event("a1", "t"))).get(5, TimeUnit.SECONDS);
        target.next();
        await().atMost(5, TimeUnit.SECONDS).until(() -> pendingRow() != null && pendingRow()[0] == 1);
        assertThat(pendingRow()[1] - clock.millis()).isEqualTo(30_000);
    }

    @Test
    void rejectedEventsAreDeadLetteredAtOnceAndReplayDeliversThem() throws Exception {
        open(InstantSource.system());
        target.answer = r -> new TargetServer.Answer(400, Map.of(), "bad order");
        eventing.createTrigger(trigger("{'name':'orders','to':'orders'}"));
        eventing.ingest("default", List.of(event("a1", "t"))).get(5, TimeUnit.SECONDS);
        target.next();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !eventing.deadLetters().list(Optional.empty(), 10).isEmpty());
        DeadLetter dead = eventing.deadLetters().list(Optional.empty(), 10).getFirst();
        assertThat(dead.reason()).isEqualTo("rejected, not retried: HTTP 400 from orders: bad order");
        assertThat(dead.attempts()).isEqualTo(1);

        target.answer = r -> TargetServer.Answer.ok();
        assertThat(eventing.deadLetters().replay(List.of(dead.id()))).containsExactly(dead.id());
        TargetServer.Received again = target.next();
        assertThat(again.header("ce-id")).isEqualTo("a1");
        assertThat(again.header("nubo-attempt")).isEqualTo("1");
        assertThat(eventing.deadLetters().list(Optional.empty(), 10)).isEmpty();
        await().atMost(5, TimeUnit.SECONDS).until(() -> delivered("orders") == 1);
    }

    @Test
    void aDeadLetterServiceGetsTheEventWithTheErrorAttached() throws Exception {
        open(InstantSource.system());
        target.answer = r -> r.host().startsWith("orders.") ? new TargetServer.Answer(500, Map.of(), "db down") : TargetServer.Answer.ok();
        eventing.createTrigger(trigger("{'name':'orders','to':'orders','delivery':{'attempts':1,'deadLetter':'dlq/failed'}}"));
        eventing.ingest("default", List.of(event("a1", "t"))).get(5, TimeUnit.SECONDS);
        assertThat(target.next().host()).startsWith("orders.");
        TargetServer.Received dlq = target.next();
        assertThat(dlq.host()).startsWith("dlq.");
        assertThat(dlq.path()).isEqualTo("/failed");
        assertThat(dlq.header("ce-id")).isEqualTo("a1");
        assertThat(dlq.header("ce-nuboerrorcode")).isEqualTo("500");
        assertThat(dlq.header("ce-nuboerrordest")).isEqualTo("service:orders");
        assertThat(dlq.header("ce-nuboerror")).as("percent-encoded, as the HTTP binding says")
                .isEqualTo("gave%20up%20after%201%20attempt:%20HTTP%20500%20from%20orders:%20db%20down");
        assertThat(dev.nubo.model.CloudEventHeader.decode(dlq.header("ce-nuboerror"))).isEqualTo("gave up after 1 attempt: HTTP 500 from orders: db down");
        assertThat(eventing.deadLetters().list(Optional.empty(), 10)).isEmpty();
    }

    @Test
    void aCloudEventInTheReplyIsPublishedBackIntoTheBroker() throws Exception {
        open(InstantSource.system());
        target.answer = r -> r.host().startsWith("orders.")
                ? new TargetServer.Answer(200, Map.of("ce-specversion", "1.0", "ce-id", "c1", "ce-source", "/orders", "ce-type", "order.checked",
                        "Content-Type", "text/plain"), "checked")
                : TargetServer.Answer.ok();
        eventing.createTrigger(trigger("{'name':'orders','to':'orders','filters':[{'attribute':'type','value':'order.created'}]}"));
        eventing.createTrigger(trigger("{'name':'audit','to':'audit','filters':[{'attribute':'type','match':'suffix','value':'.checked'}]}"));
        eventing.ingest("default", List.of(event("a1", "order.created"))).get(5, TimeUnit.SECONDS);
        assertThat(target.next().host()).startsWith("orders.");
        TargetServer.Received chained = target.next();
        assertThat(chained.host()).startsWith("audit.");
        assertThat(chained.header("ce-id")).isEqualTo("c1");
        assertThat(chained.header("ce-nubohops")).isEqualTo("1");
        assertThat(chained.text()).isEqualTo("checked");
    }

    @Test
    void aReplyChainThatLoopsIsCutAndDeadLettered() throws Exception {
        open(InstantSource.system());
        target.answer = r -> new TargetServer.Answer(200, Map.of("ce-specversion", "1.0", "ce-id", "again", "ce-source", "/loop",
                "ce-type", "loop"), "");
        eventing.createTrigger(trigger("{'name':'loop','to':'echo'}"));
        eventing.ingest("default", List.of(event("a1", "loop"))).get(5, TimeUnit.SECONDS);
        await().atMost(20, TimeUnit.SECONDS).until(() -> !eventing.deadLetters().list(Optional.empty(), 1).isEmpty());
        assertThat(eventing.deadLetters().list(Optional.empty(), 1).getFirst().reason())
                .startsWith("a reply chain longer than 32 hops was cut");
        assertThat(target.all).hasSize(1 + Settlement.MAX_HOPS);
    }

    @Test
    void pendingDeliveriesSurviveARestart() throws Exception {
        open(InstantSource.system());
        target.answer = r -> new TargetServer.Answer(503, Map.of("Retry-After", "3600"), "");
        eventing.createTrigger(trigger("{'name':'orders','to':'orders'}"));
        eventing.ingest("default", List.of(event("a1", "t"), event("a2", "t"))).get(5, TimeUnit.SECONDS);
        target.next();
        target.next();
        await().atMost(5, TimeUnit.SECONDS).until(() -> count(harness.log(), "deliveries WHERE attempts = 1") == 2);
        eventing.close();

        target.answer = r -> TargetServer.Answer.ok();
        open(InstantSource.system());
        // The stored due time is an hour away; the restart keeps it, so move it to now as an operator replay would.
        harness.log().write(sql -> sql.get("UPDATE deliveries SET next_at = 0").executeUpdate()).get(5, TimeUnit.SECONDS);
        eventing.close();
        open(InstantSource.system());
        assertThat(List.of(target.next().header("ce-id"), target.next().header("ce-id"))).containsExactlyInAnyOrder("a1", "a2");
        assertThat(eventing.trigger("orders").trigger().createdAt()).isNotNull();
    }

    @Test
    void deletingATriggerDropsItsPendingDeliveriesButKeepsOthers() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
        open(clock);
        target.answer = r -> TargetServer.Answer.status(500);
        eventing.createTrigger(trigger("{'name':'a','to':'a'}"));
        eventing.createTrigger(trigger("{'name':'b','to':'b'}"));
        eventing.ingest("default", List.of(event("e1", "t"))).get(5, TimeUnit.SECONDS);
        target.next();
        target.next();
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.trigger("a").pending() == 1
                && count(harness.log(), "deliveries WHERE attempts = 1") == 2);
        eventing.deleteTrigger("a");
        assertThatThrownBy(() -> eventing.trigger("a")).hasMessage("no trigger named a");
        String remaining = harness.log().read(sql -> {
            try (ResultSet rs = sql.get("SELECT origin FROM deliveries").executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(remaining).isEqualTo("trigger:b");
    }

    @Test
    void asyncInvocationRetriesThenFailsAndSendsTheFailureToItsDestination() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
        open(clock);
        target.answer = r -> r.host().startsWith("fn.") ? new TargetServer.Answer(500, Map.of("Content-Type", "application/json"), "{\"error\":\"boom\"}") : TargetServer.Answer.ok();
        eventing.createTrigger(trigger("{'name':'failures','to':'ops','filters':[{'attribute':'type','value':'dev.nubo.invocation.failed'}]}"));
        String id = eventing.invocations().invoke("fn", "/run", List.of(Map.entry("Content-Type", "application/json"),
                Map.entry("X-Custom", "1")), "{\"n\":1}".getBytes(StandardCharsets.UTF_8),
                new AsyncOptions(1, Duration.ofSeconds(5), Optional.empty(), Optional.of(new Destination.Broker("default"))))
                .get(5, TimeUnit.SECONDS);
        assertThat(id).startsWith("inv-");
        TargetServer.Received first = target.next();
        assertThat(first.path()).isEqualTo("/run");
        assertThat(first.header("x-custom")).isEqualTo("1");
        assertThat(first.header("x-request-id")).isEqualTo(id);
        assertThat(first.text()).isEqualTo("{\"n\":1}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.invocations().get(id).status() == InvocationStatus.RETRYING);
        clock.advance(Duration.ofMinutes(2));
        eventing.dispatcher.wake();
        target.next();
        TargetServer.Received failure = target.next();
        assertThat(failure.host()).startsWith("ops.");
        assertThat(failure.header("ce-type")).isEqualTo(Invocations.FAILED);
        JsonNode data = Json.mapper().readTree(failure.body());
        assertThat(data.path("invocationId").asText()).isEqualTo(id);
        assertThat(data.path("attempts").asInt()).isEqualTo(2);
        assertThat(data.path("error").asText()).isEqualTo("HTTP 500 from fn: {\"error\":\"boom\"}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.invocations().get(id).status() == InvocationStatus.FAILED);
        Invocation record = eventing.invocations().get(id);
        assertThat(record.attempts()).isEqualTo(2);
        assertThat(record.statusCode()).hasValue(500);
        assertThat(Json.mapper().readTree(record.response().orElseThrow()).path("body").path("error").asText()).isEqualTo("boom");
        assertThat(eventing.invocations().list("fn", 10)).extracting(Invocation::id).containsExactly(id);
    }

    @Test
    void asyncInvocationSuccessGoesToOnSuccessAndAFailureInTheStoreReplaysAsANewInvocation() throws Exception {
        open(InstantSource.system());
        target.answer = r -> r.host().startsWith("fn.") ? new TargetServer.Answer(400, Map.of(), "no") : TargetServer.Answer.ok();
        String failed = eventing.invocations().invoke("fn", "/", List.of(), "x".getBytes(StandardCharsets.UTF_8),
                new AsyncOptions(2, Duration.ofSeconds(5), Optional.empty(), Optional.of(new Destination.DeadLetters()))).get(5, TimeUnit.SECONDS);
        target.next();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !eventing.deadLetters().list(Optional.empty(), 10).isEmpty());
        assertThat(eventing.invocations().get(failed).attempts()).as("a 400 is not retried").isEqualTo(1);
        DeadLetter dead = eventing.deadLetters().list(Optional.of("result:" + failed), 10).getFirst();
        assertThat(EventJson.read(dead.event()).getType()).isEqualTo(Invocations.FAILED);

        target.answer = r -> r.host().startsWith("fn.") ? new TargetServer.Answer(200, Map.of("Content-Type", "text/plain"), "done")
                : TargetServer.Answer.ok();
        String ok = eventing.invocations().invoke("fn", "/", List.of(), new byte[0],
                new AsyncOptions(0, Duration.ofSeconds(5), Optional.of(new Destination.Service("sink", "/")), Optional.empty()))
                .get(5, TimeUnit.SECONDS);
        target.next();
        TargetServer.Received result = target.next();
        assertThat(result.host()).startsWith("sink.");
        assertThat(result.header("ce-type")).isEqualTo(Invocations.SUCCEEDED);
        assertThat(Json.mapper().readTree(result.body()).path("response").path("body").asText()).isEqualTo("done");
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.invocations().get(ok).status() == InvocationStatus.SUCCEEDED);
        assertThat(eventing.invocations().get(ok).durationMs()).isPresent();
    }

    @Test
    void unknownBrokersAndDuplicateTriggersAreRefused() {
        open(InstantSource.system());
        assertThatThrownBy(() -> eventing.ingest("nope", List.of(event("a", "t"))).join()).hasMessageContaining("no broker named nope");
        eventing.createTrigger(trigger("{'name':'a','to':'a'}"));
        assertThatThrownBy(() -> eventing.createTrigger(trigger("{'name':'a','to':'b'}"))).hasMessage("a trigger named a already exists");
        assertThatThrownBy(() -> eventing.deleteBroker("default")).hasMessage("the default broker cannot be deleted");
        assertThat(eventing.createBroker("audit")).isTrue();
        eventing.createTrigger(trigger("{'name':'d','broker':'audit','to':'a'}"));
        assertThatThrownBy(() -> eventing.deleteBroker("audit")).hasMessage("the broker audit still has triggers: d");
    }
}
