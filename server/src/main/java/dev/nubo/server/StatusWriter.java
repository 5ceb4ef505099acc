package dev.nubo.server;

import dev.nubo.store.RevisionRecord;
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
        RevisionRecord written = switch (change) {
            case ReconcilePlan.Ready r -> store.markReady(r.revision(), r.at());
            case ReconcilePlan.Failed f -> store.markFailed(f.revision(), f.reason(), f.logTail());
        };
        records.changed(written.service());
    }

    void record(String service, ServiceEvent event) {
        log.info("{}: {}", service, event.message());
        store.addEvent(service, event.revision(), clock.instant(), event.message());
    }
}
