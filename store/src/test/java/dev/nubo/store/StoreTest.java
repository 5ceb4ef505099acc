package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.RevisionState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    static final String YAML = "name: hello\nruntime: process\ncommand: [node, server.js]\n";
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void numbersRevisionsPerServiceAndCreatesTheServiceOnFirstDeploy() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            RevisionRecord first = store.createRevision("hello", YAML, "sha256:a", T0);
            RevisionRecord second = store.createRevision("hello", YAML, "sha256:b", T0.plusSeconds(1));
            RevisionRecord other = store.createRevision("other", YAML, "sha256:c", T0);

            assertThat(first.id()).isEqualTo("hello-00001");
            assertThat(second.id()).isEqualTo("hello-00002");
            assertThat(other.id()).isEqualTo("other-00001");
            assertThat(first.state()).isEqualTo(RevisionState.DEPLOYING);
            assertThat(store.revisions("hello")).extracting(RevisionRecord::id).containsExactly("hello-00002", "hello-00001");
            assertThat(store.services()).extracting(ServiceRecord::name).containsExactly("hello", "other");
            assertThat(second.descriptor().name()).isEqualTo("hello");
        }
    }

    @Test
    void keepsEverythingAcrossReopen() {
        Path file = dir.resolve("nubo.db");
        try (Store store = Store.open(file)) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.markReady("hello-00001", T0.plusMillis(400));
            store.markFailed(store.createRevision("hello", YAML, "sha256:b", T0).id(), "exited with code 1", List.of("boom"));
            store.addEvent("hello", Optional.of("hello-00001"), T0, "hello-00001 is serving");
        }
        try (Store store = Store.open(file)) {
            RevisionRecord ready = store.revision("hello-00001").orElseThrow();
            RevisionRecord failed = store.revision("hello-00002").orElseThrow();
            assertThat(ready.state()).isEqualTo(RevisionState.READY);
            assertThat(ready.readyAt()).contains(T0.plusMillis(400));
            assertThat(failed.reason()).contains("exited with code 1");
            assertThat(failed.logTail()).containsExactly("boom");
            assertThat(store.events("hello", 10)).extracting(EventRecord::message).containsExactly("hello-00001 is serving");
            assertThat(store.createRevision("hello", YAML, "sha256:c", T0).id()).isEqualTo("hello-00003");
        }
    }

    @Test
    void refusesIllegalRevisionTransitions() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.markFailed("hello-00001", "never ready", List.of());

            assertThatThrownBy(() -> store.markReady("hello-00001", T0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("revision cannot go from FAILED to READY");
            assertThat(store.revision("hello-00001").orElseThrow().state()).isEqualTo(RevisionState.FAILED);
        }
    }

    @Test
    void aDeployUnpinsTheService() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.pin("hello", Optional.of("hello-00001"));
            assertThat(store.service("hello").orElseThrow().pinnedRevision()).contains("hello-00001");

            store.createRevision("hello", YAML, "sha256:b", T0);

            assertThat(store.service("hello").orElseThrow().pinnedRevision()).isEmpty();
        }
    }

    @Test
    void deletingAServiceDeletesItsRevisionsAndEvents() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.addEvent("hello", Optional.empty(), T0, "deployed");

            assertThat(store.deleteService("hello")).isTrue();

            assertThat(store.service("hello")).isEmpty();
            assertThat(store.revision("hello-00001")).isEmpty();
            assertThat(store.events("hello", 10)).isEmpty();
            assertThat(store.deleteService("hello")).isFalse();
        }
    }
}
