package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nubo.model.Traffic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The change feed, whatever the database: subclassed for SQLite and for PostgreSQL. */
abstract class ChangeFeedContractTest extends StoreFixture {

    /** Long enough that only a wake-up, never the poll, can end a wait within a test. */
    static final JdbcStore.Tuning NO_POLLING = new JdbcStore.Tuning(Duration.ofHours(1), 10_000);

    @Test
    void everyWriteThatChangesAServiceIsInTheFeedInTheOrderItCommitted() {
        Store store = open();
        long before = store.generation();
        RevisionRecord first = store.createRevision("hello", YAML, "sha256:a", T0);
        store.markReady(first, T0);
        StoreContractTest.set(store, "hello", Traffic.parse(List.of("hello-00001=100"), List.of()));
        store.pin("hello", Optional.of("hello-00001"), StoreContractTest.version(store, "hello"));
        store.markFailed(store.createRevision("hello", YAML, "sha256:b", T0), "crashed", List.of());
        store.deleteService("hello");

        Changes changes = store.changes(before);

        assertThat(before).isZero();
        assertThat(changes.changes()).extracting(Change::generation).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(changes.changes()).extracting(Change::kind).containsExactly(Change.Kind.DEPLOYED, Change.Kind.READY,
                Change.Kind.TRAFFIC, Change.Kind.PINNED, Change.Kind.DEPLOYED, Change.Kind.FAILED, Change.Kind.DELETED);
        assertThat(changes.changes()).extracting(Change::revision).containsExactly(Optional.of("hello-00001"),
                Optional.of("hello-00001"), Optional.empty(), Optional.of("hello-00001"), Optional.of("hello-00002"),
                Optional.of("hello-00002"), Optional.empty());
        assertThat(changes.services()).containsExactly("hello");
        assertThat(changes.generation()).isEqualTo(7).isEqualTo(store.generation());
        assertThat(changes.missed()).isFalse();
        assertThat(store.changes(5).changes()).extracting(Change::generation).containsExactly(6L, 7L);
        assertThat(store.changes(7)).isEqualTo(new Changes(7, List.of(), false));
    }

    @Test
    void eventsAndWritesThatWereRefusedAreNotChanges() {
        Store store = open();
        store.createRevision("spy", YAML, "sha256:a", T0);
        StoreContractTest.set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));
        long generation = store.generation();

        store.addEvent("spy", Optional.empty(), T0, "an event");
        assertThatThrownBy(() -> store.setTraffic("spy", Traffic.latest(), 1)).isInstanceOf(StoreConflict.class);
        assertThatThrownBy(() -> store.createRevision("canary-spy", YAML, "sha256:b", T0)).hasMessageContaining("host name");
        assertThatThrownBy(() -> store.pin("nope", Optional.empty(), 1)).hasMessage("no service named nope");
        assertThat(store.deleteService("nope")).isFalse();

        assertThat(store.generation()).isEqualTo(generation);
        assertThat(store.service("canary-spy")).as("the refused deploy left nothing behind").isEmpty();
    }

    @Test
    void aChangeWrittenThroughOneStoreWakesAWaiterOnAnotherStore() throws Exception {
        Store writer = open(NO_POLLING);
        Store reader = open(NO_POLLING);
        long seen = reader.generation();
        AtomicReference<Thread> waiting = new AtomicReference<>();
        CompletableFuture<Changes> next = CompletableFuture.supplyAsync(() -> {
            waiting.set(Thread.currentThread());
            return reader.await(seen, Duration.ofSeconds(60));
        });
        // The waiter is parked (not just about to read the feed) before the write: only a wake-up returns it in time.
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting.get() != null && waiting.get().getState() == Thread.State.TIMED_WAITING);

        writer.createRevision("hello", YAML, "sha256:a", T0);

        Changes changes = next.get(30, TimeUnit.SECONDS);
        assertThat(changes.changes()).extracting(Change::service, Change::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hello", Change.Kind.DEPLOYED));
        assertThat(changes.generation()).isEqualTo(seen + 1);
    }

    @Test
    void aWaitWithNothingNewEndsEmptyAtItsTimeout() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);

        Changes none = store.await(store.generation(), Duration.ofMillis(50));

        assertThat(none).isEqualTo(new Changes(1, List.of(), false));
    }

    @Test
    void aReaderThatFellBehindTheKeptChangesIsToldItMissedSome() {
        Store store = open(new JdbcStore.Tuning(Duration.ofSeconds(1), 10));
        for (int i = 0; i < 105; i++) {
            store.createRevision("hello", YAML, "sha256:" + i, T0);
        }

        Changes behind = store.changes(0);
        Changes recent = store.changes(95);

        assertThat(behind.missed()).isTrue();
        assertThat(behind.changes().getFirst().generation()).as("the oldest kept").isGreaterThan(1);
        assertThat(behind.generation()).isEqualTo(105);
        assertThat(recent.missed()).isFalse();
        assertThat(recent.changes()).hasSize(10);
    }

    @Test
    void aReaderAheadOfTheFeedIsToldItMissedSomeRatherThanWaitingForever() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);

        Changes ahead = store.await(1_000, Duration.ofSeconds(30));

        assertThat(ahead).isEqualTo(new Changes(1, List.of(), true));
    }

    /**
     * The intended use, as in {@link Store}'s javadoc: a reconciler on one node follows the feed and
     * reconciles each service that changed by reading its state now, while another node writes.
     */
    @Test
    void aFollowerReconcilesEveryServiceThatChangedOnAnotherNode() throws Exception {
        Store node1 = open();
        Store node2 = open();
        Map<String, Optional<ServiceRecord>> reconciled = new ConcurrentHashMap<>();
        AtomicLong followed = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch following = new CountDownLatch(1);
        Thread follower = Thread.ofPlatform().name("follower").start(() -> {
            long seen = node2.generation();
            node2.services().forEach(s -> reconciled.put(s.name(), Optional.of(s)));
            following.countDown();
            while (running.get()) {
                Changes next = node2.await(seen, Duration.ofSeconds(1));
                java.util.Set<String> changed = next.missed()
                        ? new java.util.HashSet<>(node2.services().stream().map(ServiceRecord::name).toList()) : next.services();
                changed.forEach(name -> reconciled.put(name, node2.service(name)));
                seen = next.generation();
                followed.set(seen);
            }
        });
        // The writes below must come after the follower's first read, or it would start from a state without "hello".
        assertThat(following.await(30, TimeUnit.SECONDS)).isTrue();

        node1.markReady(node1.createRevision("hello", YAML, "sha256:a", T0), T0);
        node1.createRevision("other", YAML, "sha256:b", T0);
        StoreContractTest.set(node1, "other", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));
        node1.deleteService("hello");

        await().atMost(Duration.ofSeconds(30)).until(() -> followed.get() == node1.generation());
        running.set(false);
        follower.join(Duration.ofSeconds(10));
        assertThat(reconciled).containsOnlyKeys("hello", "other");
        assertThat(reconciled.get("hello")).as("deleted: its instances would be retired").isEmpty();
        assertThat(reconciled.get("other").orElseThrow().traffic().tags()).containsKey("canary");
    }
}
