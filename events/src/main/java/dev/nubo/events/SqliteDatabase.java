package dev.nubo.events;

import dev.nubo.model.PlatformFault;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.slf4j.LoggerFactory;

/**
 * The event log in one SQLite file, in WAL mode: the writer's connection, and one reader beside it.
 * SQLite lets one writer in at a time, so claims need no row locks; two event logs on one file (a
 * test's two nodes) wait for each other's transactions ({@code busy_timeout}).
 */
final class SqliteDatabase implements LogDatabase {

    private final Path file;
    private final String url;
    private final EventLog.Statements reader;
    private final ReentrantLock readLock = new ReentrantLock();

    private SqliteDatabase(Path file, String url, Connection reader) {
        this.file = file;
        this.url = url;
        this.reader = new EventLog.Statements(reader);
    }

    static SqliteDatabase open(Path file) throws SQLException {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/events/sqlite").load().migrate();
        return new SqliteDatabase(file, url, connect(url));
    }

    private static Connection connect(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (var s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("PRAGMA busy_timeout=5000");
        }
        return c;
    }

    @Override
    public Connection writer() throws SQLException {
        Connection c = connect(url);
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public <T> T read(EventLog.Work<T> work) throws SQLException {
        readLock.lock();
        try {
            return work.run(reader);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public String lockSkipped() {
        return "";
    }

    @Override
    public PlatformFault diskFull(Throwable cause) {
        return DiskFull.fault(file, cause);
    }

    @Override
    public String describeDisk() {
        return DiskFull.describe(file);
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (SQLException e) {
            LoggerFactory.getLogger(SqliteDatabase.class).warn("closing the event log failed", e);
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
