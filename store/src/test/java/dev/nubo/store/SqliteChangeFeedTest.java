package dev.nubo.store;

/** {@link ChangeFeedContractTest} on SQLite: a new file per test. */
class SqliteChangeFeedTest extends ChangeFeedContractTest {

    @Override
    StoreLocation newDatabase() {
        return StoreLocation.sqlite(dir.resolve("nubo.db"));
    }
}
