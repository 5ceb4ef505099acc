package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
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

    @Test
    void aNewServiceFollowsLatest() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);

            ServiceRecord hello = store.service("hello").orElseThrow();

            assertThat(hello.traffic()).isEqualTo(Traffic.latest());
            assertThat(hello.traffic().followsLatest()).isTrue();
            assertThat(store.services()).extracting(ServiceRecord::traffic).containsExactly(Traffic.latest());
        }
    }

    @Test
    void keepsASplitWithTagsAcrossReopen() {
        Path file = dir.resolve("nubo.db");
        Traffic split = Traffic.parse(List.of("hello-00001=90", "latest=10"), List.of("canary=hello-00002", "edge=latest"));
        try (Store store = Store.open(file)) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.createRevision("hello", YAML, "sha256:b", T0);

            ServiceRecord updated = set(store, "hello", split);

            assertThat(updated.traffic()).isEqualTo(split);
        }
        try (Store store = Store.open(file)) {
            assertThat(store.service("hello").orElseThrow().traffic()).isEqualTo(split);
            assertThat(store.service("hello").orElseThrow().traffic().tags())
                    .containsExactly(Map.entry("canary", "hello-00002"), Map.entry("edge", "latest"));
        }
    }

    @Test
    void settingTrafficBackToLatestStoresTheDefault() {
        Path file = dir.resolve("nubo.db");
        try (Store store = Store.open(file)) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            set(store, "hello", Traffic.parse(List.of("hello-00001=100"), List.of()));

            assertThat(set(store, "hello", Traffic.latest()).traffic()).isEqualTo(Traffic.latest());
        }
        assertThat(column(file, "SELECT traffic FROM services WHERE name = 'hello'")).isNull();
    }

    @Test
    void settingTrafficClearsARollbackPin() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.createRevision("hello", YAML, "sha256:b", T0);
            store.pin("hello", Optional.of("hello-00001"));

            ServiceRecord updated = set(store, "hello", Traffic.parse(List.of("hello-00001=50", "hello-00002=50"), List.of()));

            assertThat(updated.pinnedRevision()).isEmpty();
            assertThat(store.service("hello").orElseThrow().pinnedRevision()).isEmpty();
        }
    }

    @Test
    void aDeployKeepsAnExplicitSplit() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            Traffic split = Traffic.parse(List.of("hello-00001=100"), List.of("canary=latest"));
            set(store, "hello", split);
            store.pin("hello", Optional.of("hello-00001"));

            store.createRevision("hello", YAML, "sha256:b", T0);

            ServiceRecord hello = store.service("hello").orElseThrow();
            assertThat(hello.traffic()).isEqualTo(split);
            assertThat(hello.pinnedRevision()).isEmpty();
        }
    }

    @Test
    void settingTrafficOfAnUnknownServiceIsNotFound() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            assertThatThrownBy(() -> set(store, "nope", Traffic.latest()))
                    .isInstanceOfSatisfying(UserError.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(404);
                        assertThat(e.code()).isEqualTo("service.not_found");
                        assertThat(e.hint()).contains("nubo list");
                    })
                    .hasMessage("no service named nope");
            assertThat(store.services()).isEmpty();
        }
    }

    @Test
    void trafficMayNameOnlyTheServicesOwnRevisions() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            store.createRevision("other", YAML, "sha256:b", T0);
            store.pin("hello", Optional.of("hello-00001"));

            assertThatThrownBy(() -> set(store, "hello", Traffic.parse(List.of("hello-00009=100"), List.of())))
                    .isInstanceOfSatisfying(UserError.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(404);
                        assertThat(e.code()).isEqualTo("revision.not_found");
                        assertThat(e.hint()).isEqualTo("`nubo describe hello` lists its revisions");
                    })
                    .hasMessage("service hello has no revision hello-00009");
            assertThatThrownBy(() -> set(store, "hello", Traffic.parse(List.of("latest=100"), List.of("x=other-00001"))))
                    .hasMessage("service hello has no revision other-00001");

            ServiceRecord unchanged = store.service("hello").orElseThrow();
            assertThat(unchanged.traffic()).isEqualTo(Traffic.latest());
            assertThat(unchanged.pinnedRevision()).contains("hello-00001");
        }
    }

    @Test
    void upgradesADatabaseCreatedBeforeTraffic() {
        Path file = dir.resolve("nubo.db");
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).target("1").load().migrate();
        try (Connection db = DriverManager.getConnection(url); var st = db.createStatement()) {
            st.execute("INSERT INTO services (name, created_at, pinned_revision, next_number) VALUES ('hello', '" + T0 + "', 'hello-00001', 2)");
            st.execute("INSERT INTO revisions (id, service, number, descriptor, digest, state, created_at)"
                    + " VALUES ('hello-00001', 'hello', 1, '" + YAML + "', 'sha256:a', 'READY', '" + T0 + "')");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }

        try (Store store = Store.open(file)) {
            ServiceRecord hello = store.service("hello").orElseThrow();
            assertThat(hello.pinnedRevision()).contains("hello-00001");
            assertThat(hello.traffic()).isEqualTo(Traffic.latest());
            assertThat(set(store, "hello", Traffic.parse(List.of("hello-00001=100"), List.of())).traffic().splits())
                    .containsExactly(new Traffic.Split("hello-00001", 100));
            assertThat(store.createRevision("hello", YAML, "sha256:b", T0).id()).isEqualTo("hello-00002");
        }
        assertThat(column(file, "SELECT max(version) FROM flyway_schema_history")).isEqualTo("3");
    }

    @Test
    void aTrafficWriteOverAVersionThatChangedSinceChangesNothing() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            long read = store.service("hello").orElseThrow().trafficVersion();
            Traffic canary = Traffic.parse(List.of("latest=100"), List.of("canary=hello-00001"));
            Traffic edge = Traffic.parse(List.of("latest=100"), List.of("edge=hello-00001"));

            ServiceRecord first = store.setTraffic("hello", canary, read).orElseThrow();
            var second = store.setTraffic("hello", edge, read);

            assertThat(first.trafficVersion()).isEqualTo(read + 1);
            assertThat(second).as("written over a version it did not read").isEmpty();
            assertThat(store.service("hello").orElseThrow().traffic()).isEqualTo(canary);
            assertThat(store.setTraffic("hello", edge, first.trafficVersion()).orElseThrow().traffic()).isEqualTo(edge);
        }
    }

    @Test
    void aRollbackPinAndTheDeployThatClearsItMoveTheTrafficVersion() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("hello", YAML, "sha256:a", T0);
            long v0 = store.service("hello").orElseThrow().trafficVersion();

            store.pin("hello", Optional.of("hello-00001"));
            long pinned = store.service("hello").orElseThrow().trafficVersion();
            store.createRevision("hello", YAML, "sha256:b", T0);
            long unpinned = store.service("hello").orElseThrow().trafficVersion();
            store.createRevision("hello", YAML, "sha256:c", T0);

            assertThat(pinned).isEqualTo(v0 + 1);
            assertThat(unpinned).isEqualTo(v0 + 2);
            assertThat(store.service("hello").orElseThrow().trafficVersion()).as("a deploy that unpins nothing changes no traffic")
                    .isEqualTo(unpinned);
        }
    }

    @Test
    void aServiceCannotTakeTheHostOfAnotherServicesTag() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("spy", YAML, "sha256:a", T0);
            set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));

            assertThatThrownBy(() -> store.createRevision("canary-spy", YAML, "sha256:b", T0))
                    .isInstanceOfSatisfying(UserError.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        assertThat(e.code()).isEqualTo("host.taken");
                        assertThat(e.hint()).isEqualTo("name the service differently in nubo.yaml, or remove the tag first:"
                                + " `nubo traffic spy --untag canary`");
                    })
                    .hasMessage("service canary-spy would answer at the host name canary-spy, which tag canary of service spy has");
            assertThat(store.service("canary-spy")).isEmpty();

            set(store, "spy", Traffic.latest());
            assertThat(store.createRevision("canary-spy", YAML, "sha256:b", T0).id()).isEqualTo("canary-spy-00001");
        }
    }

    @Test
    void aTagCannotTakeTheHostOfAnotherServiceOrTag() {
        try (Store store = Store.open(dir.resolve("nubo.db"))) {
            store.createRevision("canary-spy", YAML, "sha256:a", T0);
            store.createRevision("spy", YAML, "sha256:b", T0);
            store.createRevision("x-spy", YAML, "sha256:c", T0);
            set(store, "x-spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));

            assertThatThrownBy(() -> set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest"))))
                    .isInstanceOfSatisfying(UserError.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        assertThat(e.hint()).isEqualTo("choose another tag name, or delete service canary-spy first");
                    })
                    .hasMessage("tag canary of service spy would answer at the host name canary-spy, which service canary-spy has");
            assertThatThrownBy(() -> set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary-x=latest"))))
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.hint())
                            .isEqualTo("choose another tag name, or remove that tag first: `nubo traffic x-spy --untag canary`"))
                    .hasMessage("tag canary-x of service spy would answer at the host name canary-x-spy, which tag canary of service x-spy has");
            assertThat(store.service("spy").orElseThrow().traffic()).isEqualTo(Traffic.latest());

            store.deleteService("canary-spy");
            assertThat(set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest"))).traffic().tags())
                    .containsKey("canary");
        }
    }

    @Test
    void hostClaimsHoldAcrossConnectionsBecauseTheDatabaseEnforcesThem() {
        Path file = dir.resolve("nubo.db");
        try (Store a = Store.open(file); Store b = Store.open(file)) {
            a.createRevision("spy", YAML, "sha256:a", T0);
            set(a, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));

            assertThatThrownBy(() -> b.createRevision("canary-spy", YAML, "sha256:b", T0)).hasMessageContaining("which tag canary of service spy has");
        }
    }

    @Test
    void upgradingKeepsTheHostsOfExistingServicesAndTags() {
        Path file = dir.resolve("nubo.db");
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).target("2").load().migrate();
        try (Connection db = DriverManager.getConnection(url); var st = db.createStatement()) {
            st.execute("INSERT INTO services (name, created_at, next_number, traffic) VALUES ('spy', '" + T0 + "', 2,"
                    + " '{\"splits\":[{\"revision\":\"latest\",\"percent\":100}],\"tags\":{\"canary\":\"latest\"}}')");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }

        try (Store store = Store.open(file)) {
            assertThatThrownBy(() -> store.createRevision("canary-spy", YAML, "sha256:b", T0)).hasMessageContaining("tag canary of service spy");
            assertThat(store.createRevision("spy-x", YAML, "sha256:b", T0).id()).isEqualTo("spy-x-00001");
        }
    }

    /** Sets traffic over the version just read, as a caller that does not mind concurrent changes would. */
    private static ServiceRecord set(Store store, String service, Traffic traffic) {
        long version = store.service(service).map(ServiceRecord::trafficVersion).orElse(1L);
        return store.setTraffic(service, traffic, version).orElseThrow();
    }

    private static String column(Path file, String sql) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                var st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "(no row)";
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
