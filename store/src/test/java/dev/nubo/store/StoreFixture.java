package dev.nubo.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A new, empty database for each test of the store's contracts, and the stores a test opened on it, closed after it. */
abstract class StoreFixture {

    static final String YAML = "name: hello\nruntime: process\ncommand: [node, server.js]\n";
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;

    StoreLocation location;
    private final List<Store> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A new, empty database. */
    abstract StoreLocation newDatabase();

    @BeforeEach
    void database() {
        location = newDatabase();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Store::close);
    }

    /** A store on the test's database, as a node opens it. */
    Store open() {
        return track(Store.open(location));
    }

    /** The same, polling the feed at {@code tuning}'s interval and keeping its number of changes. */
    Store open(JdbcStore.Tuning tuning) {
        return track(JdbcStore.open(location, tuning));
    }

    private Store track(Store store) {
        opened.add(store);
        return store;
    }

    /** The first column of the first row of {@code sql}, read with plain JDBC: how something is stored. */
    String column(String sql) {
        try (Connection db = connect(); var st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "(no row)";
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    Connection connect() throws SQLException {
        return switch (location) {
            case StoreLocation.SqliteFile f -> DriverManager.getConnection("jdbc:sqlite:" + f.file());
            case StoreLocation.PostgresUrl p -> DriverManager.getConnection(p.jdbcUrl(), Postgresql.properties(p));
        };
    }

    static StoreLocation postgresql() {
        return StoreLocation.parse(EmbeddedPostgres.shared().newDatabase(), java.util.Map.of());
    }
}
