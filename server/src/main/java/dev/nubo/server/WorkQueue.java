package dev.nubo.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys (service names) waiting for a reconcile pass, worked by one thread, in the manner of
 * Kubernetes' workqueue: a key is queued at most once however often it is added; a key added while
 * its pass runs is queued again behind it, so no change is missed and no key is worked twice at once;
 * a pass that throws is retried after a delay that doubles per failure of that key (from
 * {@link #FIRST_RETRY} up to {@link #LAST_RETRY}), and the first pass that succeeds resets it.
 *
 * <pre>{@code
 * WorkQueue queue = new WorkQueue("nubo-reconciler", service -> reconcileOnce(service));
 * queue.start();
 * queue.add("hello");                                   // returns at once
 * queue.addAndWait("hello").get(10, SECONDS);           // a pass that began after this call has ended
 * }</pre>
 */
final class WorkQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkQueue.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(200);
    static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final Consumer<String> pass;
    private final Thread worker;
    private final ScheduledExecutorService delays;
    // Guarded by this.
    private final LinkedHashSet<String> queued = new LinkedHashSet<>();
    private final Map<String, List<CompletableFuture<Void>>> waiting = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private boolean closed;

    /** @param pass one reconcile pass of a key; it may throw, and is then retried */
    WorkQueue(String name, Consumer<String> pass) {
        this.pass = pass;
        this.delays = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name + "-delays").daemon().factory());
        this.worker = Thread.ofPlatform().name(name).unstarted(this::work);
    }

    /** Starts working; keys added before wait until now (so the pass may belong to an object still being built). */
    void start() {
        worker.start();
    }

    /** Queues a pass of {@code key}; a no-op when it is queued already (not when it is running: it runs again after). */
    synchronized void add(String key) {
        if (!closed && queued.add(key)) {
            notifyAll();
        }
    }

    /** Queues a pass of {@code key} after {@code delay}. */
    void addAfter(String key, Duration delay) {
        try {
            delays.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: nothing is worked any more
        }
    }

    /**
     * Queues a pass of {@code key} and completes when a pass that began after this call has ended:
     * normally when it succeeded, exceptionally with what it threw. After {@link #close()}, at once.
     */
    synchronized CompletableFuture<Void> addAndWait(String key) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.complete(null);
            return done;
        }
        waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(done);
        add(key);
        return done;
    }

    private void work() {
        while (true) {
            String key;
            List<CompletableFuture<Void>> waiters;
            synchronized (this) {
                while (queued.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    return;
                }
                key = queued.removeFirst();
                waiters = Optional.ofNullable(waiting.remove(key)).orElse(List.of());
            }
            Optional<RuntimeException> failure = run(key);
            waiters.forEach(w -> failure.ifPresentOrElse(w::completeExceptionally, () -> w.complete(null)));
        }
    }

    private Optional<RuntimeException> run(String key) {
        try {
            pass.accept(key);
            synchronized (this) {
                failures.remove(key);
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            Duration retry = retryAfterFailure(key);
            log.error("reconciling {} failed; trying again in {} ms", key, retry.toMillis(), e);
            addAfter(key, retry);
            return Optional.of(e);
        }
    }

    private synchronized Duration retryAfterFailure(String key) {
        int n = failures.merge(key, 1, Integer::sum);
        Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(n - 1, 20));
        return delay.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : delay;
    }

    /** Stops after the pass under way (waiting at most 5 s for it); queued keys are dropped, their waiters released. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> released = new ArrayList<>();
        synchronized (this) {
            closed = true;
            queued.clear();
            waiting.values().forEach(released::addAll);
            waiting.clear();
            notifyAll();
        }
        released.forEach(w -> w.complete(null));
        delays.shutdownNow();
        try {
            worker.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
