package dev.nubo.server;

import dev.nubo.store.Changes;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service changes as the store's change feed tells them: every write that changes a service, made
 * through this node or any other sharing the store, reaches the reconciler of every node. One thread
 * waits on the feed ({@link Store#await}: woken by the write in this JVM, by LISTEN/NOTIFY on
 * PostgreSQL, or by its own poll) and names each changed service to the listeners.
 */
final class FeedChanges implements ServiceChanges, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedChanges.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final Store store;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Thread follower;
    private volatile boolean closed;

    /** Follows the feed from its current generation: what is stored already is for the first full pass. */
    FeedChanges(Store store) {
        this.store = store;
        long from = store.generation();
        this.follower = Thread.ofPlatform().daemon().name("nubo-change-feed").start(() -> follow(from));
    }

    @Override
    public void subscribe(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void follow(long from) {
        long seen = from;
        while (!closed) {
            try {
                Changes next = store.await(seen, WAIT);
                if (next.missed()) {
                    // Fell behind what the feed keeps: every service may have changed.
                    log.warn("the change feed no longer holds every change since generation {}; reconciling every service", seen);
                    store.services().stream().map(ServiceRecord::name).forEach(this::announce);
                } else {
                    next.services().forEach(this::announce);
                }
                seen = next.generation();
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("reading the store's change feed failed; trying again in {} ms: {}", AFTER_FAILURE.toMillis(), e.getMessage());
                sleep(AFTER_FAILURE);
            }
        }
    }

    private void announce(String service) {
        for (Consumer<String> l : listeners) {
            l.accept(service);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        follower.interrupt();
    }
}
