package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Users' nubo.db files, made by earlier Nubos, migrate forward and keep what they hold. */
class SqliteMigrationTest extends StoreFixture {

    @Override
    StoreLocation newDatabase() {
        return StoreLocation.sqlite(dir.resolve("nubo.db"));
    }

    @Test
    void aDatabaseWrittenBeforePostgresqlMigratesForwardWithEverythingInIt() throws Exception {
        load("/nubo-v3.sql");

        Store store = open();

        ServiceRecord hello = store.service("hello").orElseThrow();
        assertThat(hello.traffic()).isEqualTo(Traffic.parse(List.of("hello-00001=90", "hello-00002=10"), List.of("canary=hello-00002")));
        assertThat(hello.trafficVersion()).isEqualTo(2);
        assertThat(store.service("pinned").orElseThrow().pinnedRevision()).contains("pinned-00001");
        assertThat(store.revisions("hello")).extracting(RevisionRecord::state)
                .containsExactly(RevisionState.FAILED, RevisionState.READY, RevisionState.READY);
        RevisionRecord failed = store.revision("hello-00003").orElseThrow();
        assertThat(failed.reason()).contains("exited with code 1 before it was ready");
        assertThat(failed.logTail()).containsExactly("Traceback", "boom");
        assertThat(failed.version()).isEqualTo(1);
        assertThat(store.events("hello", 10)).extracting(EventRecord::message).containsExactly("hello-00001 is serving");
        assertThat(store.generation()).isZero();

        RevisionRecord candidate = store.revision("pinned-00002").orElseThrow();
        assertThat(store.markReady(candidate, T0).version()).isEqualTo(2);
        assertThat(store.createRevision("hello", YAML, "sha256:d", T0).id()).isEqualTo("hello-00004");
        assertThat(store.generation()).isEqualTo(2);
        assertThatThrownBy(() -> store.createRevision("canary-hello", YAML, "sha256:e", T0))
                .hasMessageContaining("which tag canary of service hello has");
        assertThat(column("SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history")).isEqualTo("12");
    }

    @Test
    void upgradesADatabaseCreatedBeforeTraffic() throws SQLException {
        migrate("1");
        try (Connection db = connect(); var st = db.createStatement()) {
            st.execute("INSERT INTO services (name, created_at, pinned_revision, next_number) VALUES ('hello', '" + T0 + "', 'hello-00001', 2)");
            st.execute("INSERT INTO revisions (id, service, number, descriptor, digest, state, created_at)"
                    + " VALUES ('hello-00001', 'hello', 1, '" + YAML + "', 'sha256:a', 'READY', '" + T0 + "')");
        }

        Store store = open();
        ServiceRecord hello = store.service("hello").orElseThrow();
        assertThat(hello.pinnedRevision()).contains("hello-00001");
        assertThat(hello.traffic()).isEqualTo(Traffic.latest());
        assertThat(StoreContractTest.set(store, "hello", Traffic.parse(List.of("hello-00001=100"), List.of())).traffic().splits())
                .containsExactly(new Traffic.Split("hello-00001", 100));
        assertThat(store.createRevision("hello", YAML, "sha256:b", T0).id()).isEqualTo("hello-00002");
        assertThat(column("SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history")).isEqualTo("12");
    }

    @Test
    void upgradingKeepsTheHostsOfExistingServicesAndTags() throws SQLException {
        migrate("2");
        try (Connection db = connect(); var st = db.createStatement()) {
            st.execute("INSERT INTO services (name, created_at, next_number, traffic) VALUES ('spy', '" + T0 + "', 2,"
                    + " '{\"splits\":[{\"revision\":\"latest\",\"percent\":100}],\"tags\":{\"canary\":\"latest\"}}')");
        }

        Store store = open();
        assertThatThrownBy(() -> store.createRevision("canary-spy", YAML, "sha256:b", T0)).hasMessageContaining("tag canary of service spy");
        assertThat(store.createRevision("spy-x", YAML, "sha256:b", T0).id()).isEqualTo("spy-x-00001");
        assertThat(store.pin("spy", Optional.empty(), 1).trafficVersion()).isEqualTo(2);
    }

    @Test
    void aTokenMadeBeforeNamespacesActsInEveryNamespace() throws SQLException {
        migrate("9");
        try (Connection db = connect(); var st = db.createStatement()) {
            st.execute("INSERT INTO access_tokens (id, name, role, brokers, hash, created_at, expires_at)"
                    + " VALUES ('a1b2', 'ci', 'developer', '', 'ff', 0, 0)");
        }

        Store store = open();
        assertThat(store.credentials().token("a1b2").orElseThrow().namespace()).isEmpty();
        assertThat(store.namespaces().all()).isEmpty();
    }

    private void migrate(String target) {
        Path file = ((StoreLocation.SqliteFile) location).file();
        Flyway.configure().dataSource("jdbc:sqlite:" + file, null, null)
                .locations("classpath:db/sqlite", "classpath:db/common").target(target).load().migrate();
    }

    /** Runs a {@code sqlite3 .dump} into the test's database, statement by statement. */
    private void load(String resource) throws IOException, SQLException {
        String dump;
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + ((StoreLocation.SqliteFile) location).file());
                var st = db.createStatement()) {
            for (String statement : dump.split(";\n")) {
                String sql = statement.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
                if (!sql.isEmpty() && !sql.equals("BEGIN TRANSACTION") && !sql.equals("COMMIT")) {
                    st.execute(sql);
                }
            }
        }
        assertThat(column("SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history")).as("the dump's schema").isEqualTo("3");
    }
}
