package dev.nubo.events;

import static dev.nubo.events.Fixtures.count;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.PlatformFault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the event log promises, the same on SQLite and on PostgreSQL: group commit where a failing unit
 * fails alone, ids that no two logs on one database share, and leases that let several nodes share
 * the deliveries without ever both holding one.
 */
@ParameterizedClass
@EnumSource(Database.class)
class EventLogContractTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    final Database database;
    @TempDir
    Path dir;
    Database.Place place;
    final List<EventLog> logs = new ArrayList<>();
    final ManualClock clock = new ManualClock(T0);

    EventLogContractTest(Database database) {
        this.database = database;
    }

    private EventLog open() {
        if (place == null) {
            place = database.create(dir);
        }
        EventLog log = place.open();
        logs.add(log);
        return log;
    }

    @AfterEach
    void close() {
        logs.forEach(EventLog::close);
    }

    private static CompletableFuture<Integer> insertDeadLetter(EventLog log, String origin) {
        return log.write(sql -> {
            var st = sql.get("INSERT INTO dead_letters (origin, target, payload, attempts, reason, dead_at) VALUES (?, 't', ?, 0, 'r', 'now')");
            st.setString(1, origin);
            st.setBytes(2, new byte[] {1, 2, 3});
            return st.executeUpdate();
        });
    }

    /** Stores {@code n} deliveries of {@code node}, leased until {@code leaseUntil}; returns their ids. */
    private static List<Long> store(EventLog log, Ids ids, String node, int n, long leaseUntil) {
        Changes changes = new Changes();
        for (int i = 0; i < n; i++) {
            Delivery d = new Delivery(ids.next(), "source:test", new Destination.Service("orders", "/"), new byte[] {'{', '}'}, 0,
                    T0.toEpochMilli(), null);
            d.leaseUntil = leaseUntil;
            changes.added.add(d);
        }
        log.write(sql -> {
            changes.write(sql, node, T0.toString());
            return null;
        }).join();
        return changes.added.stream().map(d -> d.id).toList();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("the write succeeded");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aUnitThatFailsFailsAloneAndTheOthersOfItsBatchAreStored() {
        EventLog log = open();
        CompletableFuture<Integer> before = insertDeadLetter(log, "before");
        CompletableFuture<Object> bad = log.write(sql -> sql.get("INSERT INTO nowhere VALUES (1)").executeUpdate());
        CompletableFuture<Object> broken = log.write(sql -> {
            throw new NoClassDefFoundError("io/cloudevents/jackson/JsonFormat");
        });
        CompletableFuture<Integer> after = insertDeadLetter(log, "after");

        assertThat(cause(bad)).isInstanceOf(PlatformFault.class).hasMessageStartingWith("writing the event log failed, so nothing of"
                + " this was stored: ").hasMessageContaining("nowhere");
        assertThat(((PlatformFault) cause(bad)).httpStatus()).isEqualTo(500);
        assertThat(cause(broken)).isInstanceOf(NoClassDefFoundError.class);
        assertThat(before.join()).isEqualTo(1);
        assertThat(after.join()).isEqualTo(1);
        assertThat(count(log, "dead_letters")).as("each stored once, though their batch ran again").isEqualTo(2);
    }

    @Test
    void idsComeInBlocksThatNoTwoLogsOnOneDatabaseShare() {
        Ids first = Ids.take(open());
        Ids second = Ids.take(open());
        long a = first.next();
        long b = second.next();

        assertThat(first.next()).isEqualTo(a + 1);
        assertThat(a >>> Ids.BLOCK_BITS).isNotEqualTo(b >>> Ids.BLOCK_BITS).isPositive();
        assertThat(b >>> Ids.BLOCK_BITS).isPositive();
    }

    @Test
    void aClaimTakesOnlyOtherNodesDeliveriesWhoseLeaseRanOut() {
        EventLog log = open();
        Ids ids = Ids.take(log);
        long now = T0.toEpochMilli();
        List<Long> expired = store(log, ids, "node-a", 3, now - 1);
        store(log, ids, "node-a", 2, now + 60_000);
        store(log, ids, "node-b", 4, now - 1); // b's own: not claimed by b, whatever their lease

        Leases b = new Leases(log, "node-b", Duration.ofSeconds(30), clock);
        List<Delivery> claimed = b.claimExpired().join();

        assertThat(claimed).extracting(d -> d.id).containsExactlyInAnyOrderElementsOf(expired);
        assertThat(claimed).allMatch(d -> d.leaseUntil == now + 30_000 && d.target.name().equals("orders"));
        assertThat(count(log, "deliveries WHERE owner = 'node-b'")).isEqualTo(7);
        assertThat(b.claimExpired().join()).as("nothing is claimed twice").isEmpty();
    }

    @Test
    void nodesClaimingAtOnceNeverTakeTheSameDelivery() {
        EventLog a = open();
        Ids ids = Ids.take(a);
        int n = 2 * Leases.CLAIM_BATCH + 500;
        Set<Long> stored = new HashSet<>(store(a, ids, "node-a", n, 0));
        List<Leases> takers = List.of(new Leases(open(), "node-b", Duration.ofSeconds(30), clock),
                new Leases(open(), "node-c", Duration.ofSeconds(30), clock));

        List<List<Long>> taken = List.of(new ArrayList<>(), new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Leases taker = takers.get(i);
            List<Long> mine = taken.get(i);
            threads.add(Thread.ofPlatform().start(() -> {
                List<Delivery> batch;
                do {
                    batch = taker.claimExpired().join();
                    batch.forEach(d -> mine.add(d.id));
                } while (!batch.isEmpty());
            }));
        }
        threads.forEach(t -> {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });

        Set<Long> all = new HashSet<>(taken.get(0));
        assertThat(taken.get(1)).as("taken by both").noneMatch(all::contains);
        all.addAll(taken.get(1));
        assertThat(all).isEqualTo(stored);
        assertThat(count(a, "deliveries WHERE owner = 'node-b'")).isEqualTo(taken.get(0).size());
    }

    @Test
    void renewedLeasesHoldAndReleasedOnesAreTakenAtOnce() {
        EventLog log = open();
        Ids ids = Ids.take(log);
        store(log, ids, "node-a", 2, T0.toEpochMilli() + 1000);
        Leases a = new Leases(log, "node-a", Duration.ofSeconds(30), clock);
        Leases b = new Leases(log, "node-b", Duration.ofSeconds(30), clock);

        clock.advance(Duration.ofSeconds(20));
        a.renew().join();
        assertThat(a.validUntil()).isEqualTo(T0.toEpochMilli() + 50_000);
        clock.advance(Duration.ofSeconds(29));
        assertThat(b.claimExpired().join()).as("renewed until 50 s; it is 49 s").isEmpty();

        a.release().join();
        assertThat(b.claimExpired().join()).hasSize(2);
    }

    @Test
    void aNodeWhoseDeliveryWasTakenOverCannotSettleItTwice() {
        EventLog log = open();
        Ids ids = Ids.take(log);
        long id = store(log, ids, "node-a", 1, 0).getFirst();
        new Leases(log, "node-b", Duration.ofSeconds(30), clock).claimExpired().join();

        Changes withDeadLetter = new Changes();
        withDeadLetter.finished.add(id);
        withDeadLetter.dead.add(new Changes.DeadLetter("source:test", "service:orders", new byte[] {'{', '}'}, 5, "gave up"));
        CompletableFuture<Object> late = log.write(sql -> {
            withDeadLetter.write(sql, "node-a", T0.toString());
            return null;
        });

        assertThat(cause(late)).isInstanceOf(LeaseLost.class).hasMessageStartingWith("delivery " + id + " is no longer this node's");
        assertThat(count(log, "dead_letters")).as("its dead letter was not stored").isZero();
        assertThat(count(log, "deliveries WHERE owner = 'node-b'")).isEqualTo(1);
        Leases a = new Leases(log, "node-a", Duration.ofSeconds(30), clock);
        Delivery d = new Delivery(id, "source:test", new Destination.Service("orders", "/"), new byte[0], 0, 0, null);
        assertThat(a.extend(d, T0.toEpochMilli() + 90_000).join()).as("nor extend its lease").isFalse();
    }

    @Test
    void triggersAndTheirCountsAreSharedByTheNodesOfOneDatabase() {
        EventLog a = open();
        EventLog b = open();
        TriggerRegistry onA = TriggerRegistry.load(a);
        TriggerRegistry onB = TriggerRegistry.load(b);
        onA.create(trigger("{'name':'orders','to':'orders/in','filters':[{'attribute':'type','match':'prefix','value':'order.'}],"
                + "'delivery':{'attempts':3,'timeout':'5s'},'maxPending':7}"));

        assertThat(onB.refresh()).isEmpty();
        Trigger seen = onB.require("orders");
        assertThat(seen.to()).isEqualTo(new Destination.Service("orders", "/in"));
        assertThat(seen.filters()).extracting(Filter::toString).containsExactly("type^=order.");
        assertThat(seen.delivery().attempts()).isEqualTo(3);
        assertThat(seen.delivery().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(seen.maxPending()).isEqualTo(7);

        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            TriggerCounts countsA = new TriggerCounts(a, EventLoop.deploy(vertx));
            TriggerCounts countsB = new TriggerCounts(b, EventLoop.deploy(vertx));
            countsA.countDelivered("orders");
            countsA.countDelivered("orders");
            countsB.countDelivered("orders");
            countsB.countDeadLettered("orders");
            countsA.flush().join();
            countsB.flush().join();
            countsA.flush().join();
            assertThat(countsA.delivered("orders")).as("a's own two and b's one").isEqualTo(3);
            assertThat(countsA.deadLettered("orders")).isEqualTo(1);
            assertThat(count(a, "triggers WHERE delivered = 3 AND dead_lettered = 1")).isEqualTo(1);
        } finally {
            vertx.close().await();
        }

        onA.delete("orders", t -> {});
        assertThat(onB.refresh()).extracting(Trigger::name).containsExactly("orders");
        assertThatThrownBy(() -> onB.require("orders")).hasMessage("no trigger named orders");
    }
}
