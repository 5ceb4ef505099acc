package dev.nubo.store;

/** {@link ChangeFeedContractTest} on PostgreSQL: a new database of the tests' own server per test ({@link EmbeddedPostgres}). */
class PostgresChangeFeedTest extends ChangeFeedContractTest {

    @Override
    StoreLocation newDatabase() {
        return postgresql();
    }
}
