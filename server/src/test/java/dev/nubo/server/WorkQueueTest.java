package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Passes run so far, in order; a pass of a key in {@link #held} waits until the test lets it finish. */
    private final List<String> passes = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final WorkQueue queue = new WorkQueue("test-queue", key -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            passes.add(key);
            CompletableFuture<Void> gate = held.remove(key);
            if (gate != null) {
                gate.join();
            }
            if (key.startsWith("broken")) {
                throw new IllegalStateException(key + " cannot be reconciled");
            }
        } finally {
            running.decrementAndGet();
        }
    });

    WorkQueueTest() {
        queue.start();
    }

    @AfterEach
    void close() {
        held.values().forEach(g -> g.complete(null));
        queue.close();
    }

    /** Holds the next pass of {@code key} until the returned gate is completed. */
    private CompletableFuture<Void> hold(String key) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        held.put(key, gate);
        return gate;
    }

    private void awaitPasses(int count) {
        await().atMost(WAIT).until(() -> passes.size() >= count);
    }

    @Test
    void aKeyAddedAgainAndAgainWhileItIsQueuedRunsOnce() throws Exception {
        CompletableFuture<Void> gate = hold("shop");
        queue.add("shop");
        awaitPasses(1);

        for (int i = 0; i < 5; i++) {
            queue.add("cart");
        }
        gate.complete(null);
        queue.addAndWait("last").get(10, TimeUnit.SECONDS);

        assertThat(passes).containsExactly("shop", "cart", "last");
    }

    @Test
    void aKeyAddedWhileItsPassRunsRunsAgainAfterItNeverAtTheSameTime() throws Exception {
        CompletableFuture<Void> gate = hold("shop");
        queue.add("shop");
        awaitPasses(1);

        queue.add("shop");
        queue.add("shop");
        gate.complete(null);
        queue.addAndWait("last").get(10, TimeUnit.SECONDS);

        assertThat(passes).containsExactly("shop", "shop", "last");
        assertThat(mostAtOnce).hasValue(1);
    }

    @Test
    void addAndWaitCompletesOnlyWhenAPassThatBeganAfterTheCallHasEnded() throws Exception {
        CompletableFuture<Void> first = hold("shop");
        queue.add("shop");
        awaitPasses(1);

        CompletableFuture<Void> done = queue.addAndWait("shop");
        CompletableFuture<Void> second = hold("shop");
        first.complete(null);
        awaitPasses(2);

        assertThat(done).as("the pass under way when it was asked does not count").isNotDone();
        second.complete(null);
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPassThatThrowsFailsItsWaitersAndIsRetriedAfterADelay() {
        CompletableFuture<Void> done = queue.addAndWait("broken-shop");

        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("broken-shop cannot be reconciled");
        awaitPasses(2);
        assertThat(passes).as("retried, and again after it failed again").containsOnly("broken-shop");
    }

    @Test
    void closingReleasesWaitersAndWorksNothingMore() throws Exception {
        CompletableFuture<Void> gate = hold("shop");
        queue.add("shop");
        awaitPasses(1);
        CompletableFuture<Void> waiting = queue.addAndWait("cart");

        Thread closing = Thread.ofPlatform().start(queue::close);
        // Closed, and now waiting for the pass under way to end.
        await().atMost(WAIT).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
        assertThat(waiting).isCompletedWithValue(null);
        gate.complete(null);
        closing.join();

        queue.add("later");
        assertThat(queue.addAndWait("later")).isCompletedWithValue(null);
        assertThat(passes).containsExactly("shop");
    }
}
