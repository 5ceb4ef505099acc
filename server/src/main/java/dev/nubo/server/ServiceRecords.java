package dev.nubo.server;

import dev.nubo.store.Changes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stored services and their revisions, read from the store once and then kept, so that a
 * reconcile pass (a cold start's included) and {@code GET /v1/services} read memory instead of the
 * database: with 1,000 services, listing them was 1,000 queries.
 *
 * <p>A service is forgotten whenever the store's change feed says it changed, whichever node wrote
 * it, so several nodes sharing one PostgreSQL store stay correct:
 * <ul>
 *   <li>{@link #changed} is subscribed to the feed ({@link FeedChanges}) ahead of the reconciler, so a
 *       pass that a change queues reads the service again;</li>
 *   <li>{@link #catchUp} is for readers that must see every write committed before they were asked
 *       (an API read, a deploy's path check): one query of the feed's generation when nothing changed,
 *       instead of trusting the feed's thread to have been scheduled already;</li>
 *   <li>a write this node's reconciler made, or lost to a conflict, is forgotten at once ({@link StatusWriter}).</li>
 * </ul>
 * A read that raced a write is not kept: each forgetting counts up {@code forgotten}, and a read that
 * began under an older count than the one current when it finishes is answered but not remembered.
 * Thread-safe.
 */
final class ServiceRecords {

    /** A service as stored: empty once deleted, with its revisions newest first. */
    record Stored(Optional<ServiceRecord> service, List<RevisionRecord> revisions) {}

    private final Store store;
    private final Map<String, Stored> byName = new ConcurrentHashMap<>();
    private final Object catchingUp = new Object();
    private long forgotten; // guarded by this
    private List<ServiceRecord> all; // guarded by this; null until read, and after any change
    private long caughtUp; // guarded by catchingUp: the feed generation whose changes are all forgotten

    ServiceRecords(Store store) {
        this.store = store;
        this.caughtUp = store.generation();
    }

    /** The service and its revisions as stored. */
    Stored of(String name) {
        Stored known = byName.get(name);
        if (known != null) {
            return known;
        }
        long before = forgottenCount();
        Optional<ServiceRecord> service = store.service(name);
        Stored read = new Stored(service, service.isPresent() ? store.revisions(name) : List.of());
        synchronized (this) {
            if (forgotten == before) {
                byName.put(name, read);
            }
        }
        return read;
    }

    /** Every stored service, by name. */
    List<ServiceRecord> services() {
        long before;
        synchronized (this) {
            if (all != null) {
                return all;
            }
            before = forgotten;
        }
        List<ServiceRecord> read = List.copyOf(store.services());
        synchronized (this) {
            if (forgotten == before) {
                all = read;
            }
        }
        return read;
    }

    /**
     * Forgets every service the store's change feed holds a change of since the last catch-up, so the
     * reads that follow see every write committed before this call, made here or on another node.
     */
    void catchUp() {
        synchronized (catchingUp) {
            long stored = store.generation();
            if (stored < caughtUp) {
                // The feed went back: the database was replaced under us.
                forgetAll();
                caughtUp = stored;
            }
            while (caughtUp < stored) {
                Changes next = store.changes(caughtUp);
                if (next.missed()) {
                    // Fell behind what the feed keeps, or the database was replaced: anything may have changed.
                    forgetAll();
                    caughtUp = stored;
                    return;
                }
                next.services().forEach(this::changed);
                caughtUp = next.generation();
            }
        }
    }

    /** The service or its revisions were written: read them again next time. */
    synchronized void changed(String name) {
        forgotten++;
        byName.remove(name);
        all = null;
    }

    private synchronized void forgetAll() {
        forgotten++;
        byName.clear();
        all = null;
    }

    private synchronized long forgottenCount() {
        return forgotten;
    }
}
