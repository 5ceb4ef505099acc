package dev.nubo.store;

/** {@link RaceContractTest} on PostgreSQL: a new database of the tests' own server per test ({@link EmbeddedPostgres}). */
class PostgresRaceTest extends RaceContractTest {

    @Override
    StoreLocation newDatabase() {
        return postgresql();
    }
}
