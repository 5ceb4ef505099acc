package dev.nubo.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nubo.model.PlatformFault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The store in one SQLite file, for one node. Writers take turns on the database's write lock:
 * every transaction begins {@code IMMEDIATE} (it takes the lock first, so none fails half-way on
 * finding its snapshot stale) and waits for it up to the busy timeout. WAL lets readers go on meanwhile.
 */
final class Sqlite {

    /** How long a write waits for another's lock; writes take milliseconds, so this is only reached if one hangs. */
    static final int BUSY_TIMEOUT_MS = 10_000;
    /** Readers run side by side in WAL; writers queue on the lock whatever the pool's size. */
    static final int CONNECTIONS = 4;

    private Sqlite() {}

    static Store open(StoreLocation.SqliteFile location, JdbcStore.Tuning tuning) {
        Path file = location.file();
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + file);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setMaximumPoolSize(CONNECTIONS);
        pool.setPoolName("nubo-store");
        HikariDataSource connections = null;
        try {
            Files.createDirectories(file.getParent());
            connections = new HikariDataSource(pool);
            Migrations.migrate(connections, "sqlite");
        } catch (Exception e) {
            if (connections != null) {
                connections.close();
            }
            throw new PlatformFault("platform.store", "cannot open the state database " + file + ": " + e.getMessage(), e);
        }
        Database db = new Database(connections, location.toString());
        return new JdbcStore(db, new ChangeFeed(db, Optional.empty(), Signal.of(file), tuning), () -> {});
    }
}
