package dev.nubo.events;

import dev.nubo.store.EmbeddedPostgres;
import java.nio.file.Path;

/**
 * The databases the event log runs on. A test class parameterized with it ({@code @ParameterizedClass
 * @EnumSource(Database.class)}) runs against each: SQLite in a temporary file, and a real PostgreSQL
 * (started once per test JVM from the machine's binaries, a fresh database per test).
 */
enum Database {
    SQLITE, POSTGRESQL;

    /** A new, empty place for an event log, which any number of {@link EventLog}s may open (nodes sharing it). */
    Place create(Path dir) {
        return switch (this) {
            case SQLITE -> new Place(this, dir.resolve("events.db").toString());
            case POSTGRESQL -> {
                EmbeddedPostgres pg = EmbeddedPostgres.shared();
                String url = pg.newDatabase();
                yield new Place(this, pg.jdbcUrl(url.substring(url.lastIndexOf('/') + 1)));
            }
        };
    }

    /** Where one test's event log lives: a file, or a JDBC URL. */
    record Place(Database database, String where) {
        EventLog open() {
            return database == SQLITE ? EventLog.sqlite(Path.of(where)) : EventLog.postgresql(where, "postgres", "");
        }
    }
}
