package dev.nubo.store;

/** {@link StoreContractTest} on PostgreSQL: a new database of the tests' own server per test ({@link EmbeddedPostgres}). */
class PostgresStoreTest extends StoreContractTest {

    @Override
    StoreLocation newDatabase() {
        return postgresql();
    }
}
