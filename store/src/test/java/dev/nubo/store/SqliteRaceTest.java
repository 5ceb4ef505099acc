package dev.nubo.store;

/** {@link RaceContractTest} on SQLite: a new file per test. */
class SqliteRaceTest extends RaceContractTest {

    @Override
    StoreLocation newDatabase() {
        return StoreLocation.sqlite(dir.resolve("nubo.db"));
    }
}
