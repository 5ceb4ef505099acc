package dev.nubo.events;

import static dev.nubo.events.Fixtures.count;
import static dev.nubo.events.Fixtures.event;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two nodes, each with its own event log and dispatcher, on one database: every event is delivered
 * once while both run, neither touches what the other has leased, and when one dies its deliveries
 * are taken over by the other once their leases have run out (a manual clock moves past them).
 */
@ParameterizedClass
@EnumSource(Database.class)
class TwoDispatchersTest {

    static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    final Harness harness;
    final TargetServer target;
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));

    TwoDispatchersTest(Database database) {
        harness = new Harness(database);
        target = harness.target;
    }

    private Eventing node(String id, EventLog log) {
        return harness.node(log, harness.config(clock).withNode(id).withLease(LEASE));
    }

    /** How many requests the service got for event {@code id}, attempts included. */
    private long received(String id) {
        synchronized (target.all) {
            return target.all.stream().filter(r -> id.equals(r.header("ce-id"))).count();
        }
    }

    /** Every (event, attempt) the service got, as {@code id#attempt}. */
    private List<String> attemptsReceived() {
        synchronized (target.all) {
            return target.all.stream().map(r -> r.header("ce-id") + "#" + r.header("nubo-attempt")).toList();
        }
    }

    @Test
    void eachEventIsDeliveredOnceAndADeadNodesDeliveriesAreTakenOverOnceItsLeasesRunOut() throws Exception {
        EventLog logA = harness.openLog();
        EventLog logB = harness.openLog();
        Eventing a = node("node-a", logA);
        Eventing b = node("node-b", logB);
        a.createTrigger(trigger("{'name':'orders','to':'orders'}"));
        b.keeper.keep(); // b reads the trigger a created

        // Both nodes take events; each delivers what it stored, once.
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> "e" + i).toList();
        for (int i = 0; i < ids.size(); i++) {
            (i % 2 == 0 ? a : b).ingest("default", List.of(event(ids.get(i), "order.created"))).get(5, TimeUnit.SECONDS);
            if (i % 10 == 0) {
                a.keeper.keep();
                b.keeper.keep();
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> ids.stream().allMatch(id -> received(id) >= 1)
                && count(logA, "deliveries") == 0);
        assertThat(ids).allMatch(id -> received(id) == 1);

        // a stores ten more, tries each once (the service asks it to come back in 5 s), and dies.
        target.answer = r -> new TargetServer.Answer(503, Map.of("Retry-After", "5"), "busy");
        List<String> late = IntStream.range(0, 10).mapToObj(i -> "late" + i).toList();
        for (String id : late) {
            a.ingest("default", List.of(event(id, "order.created"))).get(5, TimeUnit.SECONDS);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> count(logA, "deliveries WHERE attempts = 1 AND owner = 'node-a'") == 10);
        a.halt(); // a crash, as far as the database can tell: its leases stay as they were
        logA.close();
        target.answer = r -> TargetServer.Answer.ok();

        // Their retries are due, but a's leases (due time + the attempt's 30 s + the 30 s lease) still hold them.
        clock.advance(Duration.ofSeconds(10));
        b.keeper.keep();
        b.dispatcher.wake();
        assertThat(count(logB, "deliveries WHERE owner = 'node-a'")).as("a's deliveries, still leased to it").isEqualTo(10);
        assertThat(late).allMatch(id -> received(id) == 1);

        // Past the leases, b takes them over and delivers each, with the attempt count a had recorded.
        clock.advance(Duration.ofSeconds(60));
        b.keeper.keep();
        await().atMost(10, TimeUnit.SECONDS).until(() -> late.stream().allMatch(id -> received(id) == 2)
                && count(logB, "deliveries") == 0);
        List<String> attempts = attemptsReceived();
        assertThat(attempts).doesNotHaveDuplicates();
        assertThat(attempts).containsAll(late.stream().flatMap(id -> List.of(id + "#1", id + "#2").stream()).toList());
        assertThat(ids).allMatch(id -> received(id) == 1);
    }

    @Test
    void aNodeThatStopsCleanlyHandsItsDeliveriesOverAtOnce() throws Exception {
        EventLog logA = harness.openLog();
        EventLog logB = harness.openLog();
        Eventing a = node("node-a", logA);
        Eventing b = node("node-b", logB);
        a.createTrigger(trigger("{'name':'orders','to':'orders'}"));
        b.keeper.keep();
        target.answer = r -> new TargetServer.Answer(503, Map.of("Retry-After", "5"), "busy");
        a.ingest("default", List.of(event("x1", "order.created"))).get(5, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> count(logA, "deliveries WHERE attempts = 1") == 1);

        a.close(); // gives its leases up
        target.answer = r -> TargetServer.Answer.ok();
        clock.advance(Duration.ofSeconds(5)); // only the retry's wait, not a lease
        b.keeper.keep();
        await().atMost(10, TimeUnit.SECONDS).until(() -> received("x1") == 2 && count(logB, "deliveries") == 0);
        assertThat(attemptsReceived()).containsExactly("x1#1", "x1#2");
    }

    @Test
    void aRestartedNodeTakesItsOwnDeliveriesBackWithoutWaitingForItsLeases() throws Exception {
        EventLog first = harness.openLog();
        Eventing a = node("node-a", first);
        a.createTrigger(trigger("{'name':'orders','to':'orders'}"));
        target.answer = r -> new TargetServer.Answer(503, Map.of("Retry-After", "5"), "busy");
        a.ingest("default", List.of(event("r1", "order.created"))).get(5, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> count(first, "deliveries WHERE attempts = 1") == 1);
        a.halt();
        first.close();

        target.answer = r -> TargetServer.Answer.ok();
        clock.advance(Duration.ofSeconds(5));
        EventLog second = harness.openLog();
        node("node-a", second);
        await().atMost(10, TimeUnit.SECONDS).until(() -> received("r1") == 2 && count(second, "deliveries") == 0);
        List<String> attempts = new ArrayList<>(attemptsReceived());
        assertThat(attempts).containsExactly("r1#1", "r1#2");
    }
}
