package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.RevisionState;
import dev.nubo.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRecordsTest {

    private static final String YAML = "name: hello\nruntime: process\ncommand: [sh, app.sh]\n";
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void readsAServiceFromTheStoreOnceAndAgainOnlyAfterItWasWritten() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            ServiceRecords records = new ServiceRecords(store);
            String first = store.createRevision("hello", YAML, "sha256:" + "a".repeat(64), T0).id();
            assertThat(records.of("hello").revisions()).extracting(r -> r.state()).containsExactly(RevisionState.DEPLOYING);
            assertThat(records.services()).extracting(s -> s.name()).containsExactly("hello");

            store.markReady(first, T0.plusSeconds(1));
            store.createRevision("other", YAML.replace("hello", "other"), "sha256:" + "b".repeat(64), T0);
            // Not told: what was read is what it answers, without reading the store again.
            assertThat(records.of("hello").revisions()).extracting(r -> r.state()).containsExactly(RevisionState.DEPLOYING);
            assertThat(records.services()).hasSize(1);

            records.changed("hello");
            assertThat(records.of("hello").revisions()).extracting(r -> r.state()).containsExactly(RevisionState.READY);
            assertThat(records.services()).extracting(s -> s.name()).containsExactly("hello", "other");

            store.deleteService("hello");
            records.changed("hello");
            assertThat(records.of("hello").service()).isEmpty();
            assertThat(records.of("hello").revisions()).isEmpty();
        }
    }
}
