package dev.nubo.store;

/** {@link StoreContractTest} on SQLite: a new file per test. */
class SqliteStoreTest extends StoreContractTest {

    @Override
    StoreLocation newDatabase() {
        return StoreLocation.sqlite(dir.resolve("nubo.db"));
    }
}
