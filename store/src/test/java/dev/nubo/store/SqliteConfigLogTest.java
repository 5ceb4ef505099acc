package dev.nubo.store;

/** {@link ConfigLogContractTest} on SQLite. */
class SqliteConfigLogTest extends ConfigLogContractTest {

    @Override
    StoreLocation newDatabase() {
        return StoreLocation.sqlite(dir.resolve("nubo.db"));
    }
}
