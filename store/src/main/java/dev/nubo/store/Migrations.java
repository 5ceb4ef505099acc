package dev.nubo.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The schema's history, by Flyway, in {@code db/common} (the SQL both databases take) and one folder
 * per database ({@code db/sqlite}, {@code db/postgresql}) for the versions whose SQL differs. Version
 * numbers are shared: a version lives in {@code common} or in both vendor folders. The SQLite files are
 * those every Nubo before PostgreSQL applied, byte for byte (Flyway checks their checksums), so a
 * user's {@code nubo.db} migrates forward.
 */
final class Migrations {

    private Migrations() {}

    /** Applies what {@code vendor}'s database lacks; on PostgreSQL, Flyway's advisory lock keeps nodes starting together in turn. */
    static void migrate(DataSource db, String vendor) {
        Flyway.configure().dataSource(db).locations("classpath:db/" + vendor, "classpath:db/common").load().migrate();
    }
}
