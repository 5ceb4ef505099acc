package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Writers racing through two stores on one database, as two nodes would: the database, not the JVM,
 * decides who wins. Subclassed for SQLite and for PostgreSQL.
 */
abstract class RaceContractTest extends StoreFixture {

    static final int ROUNDS = 10;
    static final int RACERS = 4;

    @Test
    void ofWritersRacingOnTheSameTransitionExactlyOneWins() throws Exception {
        Store[] nodes = {open(), open()};
        for (int round = 1; round <= ROUNDS; round++) {
            RevisionRecord read = nodes[0].createRevision("hello", YAML, "sha256:" + round, T0);

            List<Outcome<RevisionRecord>> outcomes = race(RACERS, racer -> racer % 2 == 0
                    ? nodes[racer % 2].markReady(read, T0.plusSeconds(racer))
                    : nodes[racer % 2].markFailed(read, "racer " + racer, List.of()));

            List<RevisionRecord> won = outcomes.stream().flatMap(o -> o.value().stream()).toList();
            assertThat(won).as("round %d: %s", round, outcomes).hasSize(1);
            assertThat(outcomes.stream().flatMap(o -> o.conflict().stream()))
                    .hasSize(RACERS - 1)
                    .allSatisfy(e -> assertThat(e.getMessage()).startsWith("revision " + read.id() + " changed since it was read:"
                            + " it was DEPLOYING (version 1) and is " + won.getFirst().state() + " (version 2) now"));
            RevisionRecord stored = nodes[1].revision(read.id()).orElseThrow();
            assertThat(stored).isEqualTo(won.getFirst());
            assertThat(stored.state()).isIn(RevisionState.READY, RevisionState.FAILED);
        }
    }

    @Test
    void ofTrafficWritersRacingOnOneVersionExactlyOneWins() throws Exception {
        Store[] nodes = {open(), open()};
        nodes[0].createRevision("hello", YAML, "sha256:a", T0);
        for (int round = 1; round <= ROUNDS; round++) {
            long read = StoreContractTest.version(nodes[1], "hello");

            List<Outcome<ServiceRecord>> outcomes = race(RACERS, racer -> nodes[racer % 2].setTraffic("hello",
                    Traffic.parse(List.of("latest=100"), List.of("t" + racer + "=hello-00001")), read));

            List<ServiceRecord> won = outcomes.stream().flatMap(o -> o.value().stream()).toList();
            assertThat(won).as("round %d: %s", round, outcomes).hasSize(1);
            assertThat(outcomes.stream().flatMap(o -> o.conflict().stream())).hasSize(RACERS - 1)
                    .allSatisfy(e -> assertThat(e.currentVersion()).hasValue(read + 1));
            assertThat(nodes[0].service("hello").orElseThrow()).isEqualTo(won.getFirst());
            assertThat(won.getFirst().trafficVersion()).isEqualTo(read + 1);
        }
    }

    @Test
    void revisionNumbersAreAllocatedByTheDatabaseDistinctAndConsecutiveUnderConcurrentDeploys() throws Exception {
        Store[] nodes = {open(), open()};
        int threads = 8;
        int each = 50;

        List<Outcome<List<RevisionRecord>>> outcomes = race(threads, racer -> {
            List<RevisionRecord> mine = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                mine.add(nodes[racer % 2].createRevision("hello", YAML, "sha256:" + racer + "-" + i, T0));
            }
            return mine;
        });

        List<Integer> numbers = outcomes.stream().flatMap(o -> o.value().orElseThrow(() -> new AssertionError(o)).stream())
                .map(RevisionRecord::number).sorted().toList();
        assertThat(numbers).containsExactlyElementsOf(IntStream.rangeClosed(1, threads * each).boxed().toList());
        assertThat(nodes[0].revisions("hello")).hasSize(threads * each)
                .allSatisfy(r -> assertThat(r.id()).isEqualTo("hello-%05d".formatted(r.number())));
        assertThat(nodes[1].services()).extracting(ServiceRecord::name).as("created once, by whichever came first").containsExactly("hello");
        assertThat(nodes[1].generation()).isEqualTo(threads * each);
    }

    /** What one racer got: a value, or the conflict it lost with. */
    record Outcome<T>(Optional<T> value, Optional<StoreConflict> conflict) {}

    /** Runs {@code racers} calls at once (released together by a barrier) and collects what each got. */
    static <T> List<Outcome<T>> race(int racers, Racer<T> call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int racer = i;
                Callable<Outcome<T>> task = () -> {
                    start.await();
                    try {
                        return new Outcome<>(Optional.of(call.run(racer)), Optional.empty());
                    } catch (StoreConflict e) {
                        return new Outcome<>(Optional.empty(), Optional.of(e));
                    }
                };
                futures.add(pool.submit(task));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> f : futures) {
                outcomes.add(f.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface Racer<T> {
        T run(int racer);
    }
}
