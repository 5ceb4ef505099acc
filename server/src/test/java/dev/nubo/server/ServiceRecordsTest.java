package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.RevisionState;
import dev.nubo.store.EmbeddedPostgres;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRecordsTest {

    private static final String YAML = "name: hello\nruntime: process\ncommand: [sh, app.sh]\n";
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void readsAServiceFromTheStoreOnceAndAgainOnlyAfterItWasWritten() {
        try (Store store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")))) {
            ServiceRecords records = new ServiceRecords(store);
            RevisionRecord first = store.createRevision("hello", YAML, "sha256:" + "a".repeat(64), T0);
            assertThat(records.of("hello").revisions()).extracting(RevisionRecord::state).containsExactly(RevisionState.DEPLOYING);
            assertThat(records.services()).extracting(ServiceRecord::name).containsExactly("hello");

            store.markReady(first, T0.plusSeconds(1));
            store.createRevision("other", YAML.replace("hello", "other"), "sha256:" + "b".repeat(64), T0);
            // Not told: what was read is what it answers, without reading the store again.
            assertThat(records.of("hello").revisions()).extracting(RevisionRecord::state).containsExactly(RevisionState.DEPLOYING);
            assertThat(records.services()).hasSize(1);

            records.changed("hello");
            assertThat(records.of("hello").revisions()).extracting(RevisionRecord::state).containsExactly(RevisionState.READY);
            assertThat(records.services()).extracting(ServiceRecord::name).containsExactly("hello", "other");

            store.deleteService("hello");
            records.changed("hello");
            assertThat(records.of("hello").service()).isEmpty();
            assertThat(records.of("hello").revisions()).isEmpty();
        }
    }

    @Test
    void catchesUpWithWritesAnotherNodeMadeToTheSameSqliteFile() {
        StoreLocation file = StoreLocation.sqlite(dir.resolve("nubo.db"));
        try (Store here = Store.open(file); Store there = Store.open(file)) {
            seesTheOtherNodesWritesAfterCatchingUp(here, there);
        }
    }

    @Test
    void catchesUpWithWritesAnotherNodeMadeToTheSamePostgresqlDatabase() {
        StoreLocation database = StoreLocation.parse(EmbeddedPostgres.shared().newDatabase(), Map.of());
        try (Store here = Store.open(database); Store there = Store.open(database)) {
            seesTheOtherNodesWritesAfterCatchingUp(here, there);
        }
    }

    /** {@code there} stands for another node sharing the store: nothing tells this node's records of its writes but the feed. */
    private static void seesTheOtherNodesWritesAfterCatchingUp(Store here, Store there) {
        ServiceRecords records = new ServiceRecords(here);
        RevisionRecord first = there.createRevision("hello", YAML, "sha256:" + "a".repeat(64), T0);
        records.catchUp();
        assertThat(records.of("hello").revisions()).extracting(RevisionRecord::state).containsExactly(RevisionState.DEPLOYING);
        assertThat(records.services()).extracting(ServiceRecord::name).containsExactly("hello");

        there.markReady(first, T0.plusSeconds(1));
        there.createRevision("other", YAML.replace("hello", "other"), "sha256:" + "b".repeat(64), T0);
        records.catchUp();
        assertThat(records.of("hello").revisions()).extracting(RevisionRecord::state).containsExactly(RevisionState.READY);
        assertThat(records.services()).extracting(ServiceRecord::name).containsExactly("hello", "other");

        there.deleteService("hello");
        records.catchUp();
        assertThat(records.of("hello").service()).isEmpty();
        assertThat(records.services()).extracting(ServiceRecord::name).containsExactly("other");
    }
}
