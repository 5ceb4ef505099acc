package dev.nubo.events;

import dev.nubo.model.PlatformFault;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the {@link EventLog} lives, and the little that differs between its two databases: how
 * connections are made and reads served, what a full disk looks like, and how concurrent claims of
 * expired leases keep out of each other's way.
 */
sealed interface LogDatabase permits SqliteDatabase, PostgresDatabase {

    /** A new connection for the writer thread, not in auto-commit mode. */
    Connection writer() throws SQLException;

    /** Runs {@code work} on a read connection. */
    <T> T read(EventLog.Work<T> work) throws SQLException;

    /** What a claim's inner select adds ({@code FOR UPDATE SKIP LOCKED}, or nothing where writes are serialised anyway). */
    String lockSkipped();

    /** The 507 for a write refused because the database's disk is full. */
    PlatformFault diskFull(Throwable cause);

    /** The disk, for the log line that says it is full. */
    String describeDisk();

    void close();
}
