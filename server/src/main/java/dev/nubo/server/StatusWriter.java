package dev.nubo.server;

import dev.nubo.store.Store;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's actuator for what it reports: revision state transitions (checked against
 * {@link dev.nubo.model.RevisionState}'s table by the store) and the service's history, which also
 * goes to the server log. Thread-safe, as the store is.
 */
final class StatusWriter {

    private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

    private final Store store;
    private final ServiceRecords records;
    private final InstantSource clock;

    StatusWriter(Store store, ServiceRecords records, InstantSource clock) {
        this.store = store;
        this.records = records;
        this.clock = clock;
    }

    void apply(ReconcilePlan.StatusChange change) {
        try {
            switch (change) {
                // Conditional on the revision as the snapshot read it: a change since then is a StoreConflict, and
                // the pass is read and planned again.
                case ReconcilePlan.Ready r -> store.markReady(r.read(), r.at());
                case ReconcilePlan.Failed f -> store.markFailed(f.read(), f.reason(), f.logTail());
            }
        } finally {
            // Written or refused, what is remembered of the service is out of date: the next pass reads it again,
            // without waiting for the change feed's thread.
            records.changed(change.read().service());
        }
    }

    void record(String service, ServiceEvent event) {
        log.info("{}: {}", service, event.message());
        store.addEvent(service, event.revision(), clock.instant(), event.message());
    }
}
