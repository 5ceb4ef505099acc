package dev.nubo.store;

/** {@link ConfigLogContractTest} on PostgreSQL. */
class PostgresConfigLogTest extends ConfigLogContractTest {

    @Override
    StoreLocation newDatabase() {
        return postgresql();
    }
}
