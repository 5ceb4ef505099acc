package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.HistoryEvent;
import dev.nubo.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distributed Map: each item a child execution (recorded for STANDARD, in memory for EXPRESS),
 * MaxConcurrency, tolerated failures, ItemBatcher, and a crash in the middle that resumes without
 * running the finished children again; on SQLite and PostgreSQL, crashing as {@link DurableExecutionTest} does.
 */
@ParameterizedClass
@ValueSource(strings = {"sqlite", "postgresql"})
class DistributedMapTest {

    static final String PRICES = """
            {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": true,
              "ItemSelector": {"n.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Price", "States": {"Price": {"Type": "Task", "Resource": "nubo:price", "End": true}}}}}}""";

    /** Items 2 and 4 fail; {@code TOLERANCE} and {@code TYPE} are replaced per test. */
    static final String PICKY = """
            {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", TOLERANCE, "End": true,
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "TYPE"}, "StartAt": "Check", "States": {
                "Check": {"Type": "Choice", "Choices": [{"Or": [{"Variable": "$", "NumericEquals": 2}, {"Variable": "$", "NumericEquals": 4}],
                  "Next": "Refuse"}], "Default": "Accept"},
                "Refuse": {"Type": "Fail", "Error": "Item.Bad", "Cause": "even"},
                "Accept": {"Type": "Succeed"}}}}}}""";

    final String database;
    @TempDir
    Path dir;
    Store store;
    final ManualClock clock = new ManualClock();
    final List<Tasks.Call> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    DistributedMapTest(String database) {
        this.database = database;
    }

    Store store() {
        if (store == null) {
            store = DurableExecutionTest.open(database, dir);
        }
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    Tasks pricing() {
        return call -> {
            calls.add(call);
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                return json(String.valueOf(call.input().path("n").asInt() * 10 + call.input().path("index").asInt()));
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    @Test
    void runsEachItemAsAChildExecutionNamedAfterTheMapAndCollectsOutputsInItemOrder() throws Exception {
        try (Workflows workflows = new Workflows(store().workflows(), pricing(), clock, clock.pause())) {
            workflows.deploy("prices", PRICES);

            ExecutionRecord parent = workflows.start("prices", json("{'items': [1, 2, 3, 4, 5, 6]}"), Optional.of("p1"),
                    Duration.ofSeconds(30)).record();

            assertThat(parent.status()).isEqualTo("SUCCEEDED");
            assertThat(json(parent.output().orElseThrow())).isEqualTo(json("[10, 21, 32, 43, 54, 65]"));
            String base = "prices:" + Children.nameFor("prices:p1/Each/1");
            assertThat(workflows.executions("prices", 100)).extracting(ExecutionRecord::id)
                    .contains(base + "-0", base + "-5").hasSize(7);
            ExecutionRecord third = workflows.execution(base + "-2");
            assertThat(third.status()).isEqualTo("SUCCEEDED");
            assertThat(json(third.input())).isEqualTo(json("{'n': 3, 'index': 2}"));
            assertThat(calls).extracting(Tasks.Call::idempotencyKey).contains(base + "-2/Price/1");
            assertThat(mostInFlight.get()).isBetween(1, 2);
        }
    }

    @Test
    void aCrashDuringTheMapResumesWithoutRunningFinishedChildrenAgain() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        Workflows before = new Workflows(store().workflows(), call -> {
            calls.add(call);
            if (call.input().path("n").asInt() == 3) {
                stuck.countDown();
                Thread.sleep(Long.MAX_VALUE); // the server dies while item 2 is being priced
            }
            return json(String.valueOf(call.input().path("n").asInt() * 10));
        }, clock, clock.pause());
        before.deploy("prices", PRICES.replace("\"MaxConcurrency\": 2", "\"MaxConcurrency\": 0"));
        String id = before.start("prices", json("{'items': [1, 2, 3, 4]}"), Optional.of("c1")).record().id();
        String base = "prices:" + Children.nameFor("prices:c1/Each/1");
        stuck.await();
        for (int i : new int[] {0, 1, 3}) {
            awaitStatus(before, base + "-" + i, "SUCCEEDED");
        }
        before.close();
        assertThat(before.execution(base + "-2").status()).isEqualTo("RUNNING");

        Workflows after = new Workflows(store().workflows(), pricing(), clock, clock.pause());
        after.resumeAll();
        assertThat(after.awaitRun(id, Duration.ofSeconds(30))).isTrue();

        ExecutionRecord done = after.execution(id);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(json(done.output().orElseThrow())).isEqualTo(json("[10, 20, 32, 40]"));
        assertThat(calls).extracting(c -> c.input().path("n").asInt()).containsExactlyInAnyOrder(1, 2, 3, 3, 4);
        assertThat(calls).extracting(Tasks.Call::idempotencyKey).filteredOn(k -> k.equals(base + "-2/Price/1")).hasSize(2);
        assertThat(after.executions("prices", 100)).hasSize(5);
        assertThat(after.history(id)).extracting(HistoryEvent::type).containsSubsequence("MapScheduled", "MapResent", "MapSucceeded");
        after.close();
    }

    @Test
    void stoppingTheParentStopsItsRunningChildren() throws Exception {
        CountDownLatch bothSent = new CountDownLatch(2);
        try (Workflows workflows = new Workflows(store().workflows(), call -> {
            bothSent.countDown();
            Thread.sleep(Long.MAX_VALUE); // the items' service never answers
            return null;
        }, clock, clock.pause())) {
            workflows.deploy("prices", PRICES);
            String id = workflows.start("prices", json("{'items': [1, 2]}"), Optional.of("s1")).record().id();
            bothSent.await();

            workflows.stop(id, Optional.of("Operator"), Optional.of("not needed"));

            String base = "prices:" + Children.nameFor("prices:s1/Each/1");
            for (int i = 0; i < 2; i++) {
                awaitStatus(workflows, base + "-" + i, "ABORTED"); // the parent's run stops them once it sees the stop
                ExecutionRecord child = workflows.execution(base + "-" + i);
                assertThat(child.cause()).contains("its distributed Map no longer waits for it");
            }
        }
    }

    @Test
    void toleratesFailedItemsUpToTheLimitPuttingEachFailureInItsPlaceAndFailsBeyondIt() throws Exception {
        try (Workflows workflows = new Workflows(store().workflows(), pricing(), clock, clock.pause())) {
            workflows.deploy("picky", PICKY.replace("TOLERANCE", "\"ToleratedFailureCount\": 2").replace("TYPE", "STANDARD"));
            workflows.deploy("pickier", PICKY.replace("TOLERANCE", "\"ToleratedFailurePercentage\": 30").replace("TYPE", "EXPRESS"));

            ExecutionRecord tolerated = workflows.start("picky", json("{'items': [1, 2, 3, 4, 5]}"), Optional.of("t1"),
                    Duration.ofSeconds(30)).record();
            ExecutionRecord exceeded = workflows.start("pickier", json("{'items': [1, 2, 3, 4, 5]}"), Optional.of("t2"),
                    Duration.ofSeconds(30)).record();

            assertThat(json(tolerated.output().orElseThrow())).isEqualTo(json(
                    "[1, {'Error': 'Item.Bad', 'Cause': 'even'}, 3, {'Error': 'Item.Bad', 'Cause': 'even'}, 5]"));
            assertThat(exceeded.status()).isEqualTo("FAILED");
            assertThat(exceeded.error()).contains("States.ExceedToleratedFailureThreshold");
            assertThat(exceeded.cause().orElseThrow()).startsWith("2 of 5 items failed, more than state \"Each\" tolerates "
                    + "(ToleratedFailurePercentage 30.0); the first: item ");
        }
    }

    @Test
    void batchesItemsWithTheBatchInput() throws Exception {
        try (Workflows workflows = new Workflows(store().workflows(), pricing(), clock, clock.pause())) {
            workflows.deploy("batches", """
                    {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
                      "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"factor": 10}},
                      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                        "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}}}}""");

            ExecutionRecord parent = workflows.start("batches", json("[1, 2, 3, 4, 5]"), Optional.of("b1"), Duration.ofSeconds(30)).record();

            assertThat(json(parent.output().orElseThrow())).isEqualTo(json("[{'BatchInput': {'factor': 10}, 'Items': [1, 2]},"
                    + " {'BatchInput': {'factor': 10}, 'Items': [3, 4]}, {'BatchInput': {'factor': 10}, 'Items': [5]}]"));
        }
    }

    /** Waits for a child to reach {@code status} in the store, the real condition (30 s at most). */
    private static void awaitStatus(Workflows workflows, String id, String status) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(30);
        while (!status(workflows, id).equals(status)) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError(id + " is " + status(workflows, id) + ", not " + status + ", after 30 s");
            }
            Thread.sleep(20);
        }
    }

    private static String status(Workflows workflows, String id) {
        try {
            return workflows.execution(id).status();
        } catch (dev.nubo.model.UserError notStartedYet) {
            return "not started";
        }
    }
}
