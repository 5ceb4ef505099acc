package dev.nubo.server;

import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stored services and their revisions, read from the store once and then kept, so that a
 * reconcile pass (a cold start's included) and {@code GET /v1/services} read memory instead of SQLite:
 * with 1,000 services, listing them was 1,000 queries. A service is forgotten whenever it is written:
 * {@link #changed} must follow every write of a service or its revisions in this process, as
 * {@link LocalChanges} does for {@link Deployments} and {@link StatusWriter} for revision states.
 *
 * <p>A read that raced a write is not kept: each write counts up a generation, and a read made under
 * an older generation than the one current when it finishes is answered but not remembered. Thread-safe.
 */
final class ServiceRecords {

    /** A service as stored: empty once deleted, with its revisions newest first. */
    record Stored(Optional<ServiceRecord> service, List<RevisionRecord> revisions) {}

    private final Store store;
    private final Map<String, Stored> byName = new ConcurrentHashMap<>();
    private long generation; // guarded by this
    private List<ServiceRecord> all; // guarded by this; null until read, and after any change

    ServiceRecords(Store store) {
        this.store = store;
    }

    /** The service and its revisions as stored. */
    Stored of(String name) {
        Stored known = byName.get(name);
        if (known != null) {
            return known;
        }
        long before = generation();
        Optional<ServiceRecord> service = store.service(name);
        Stored read = new Stored(service, service.isPresent() ? store.revisions(name) : List.of());
        synchronized (this) {
            if (generation == before) {
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
            before = generation;
        }
        List<ServiceRecord> read = List.copyOf(store.services());
        synchronized (this) {
            if (generation == before) {
                all = read;
            }
        }
        return read;
    }

    /** The service or its revisions were written: read them again next time. */
    synchronized void changed(String name) {
        generation++;
        byName.remove(name);
        all = null;
    }

    private synchronized long generation() {
        return generation;
    }
}
