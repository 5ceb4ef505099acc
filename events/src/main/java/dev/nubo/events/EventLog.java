package dev.nubo.events;

import dev.nubo.model.PlatformFault;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eventing state: brokers, triggers, pending deliveries (with their leases), dead letters,
 * invocations and sources. In its own SQLite file ({@code events.db}, next to the control plane's) on
 * one node, or in PostgreSQL (schema {@code eventing} of the store's database) where several nodes
 * share it; the tables are the same (Flyway, {@code db/events/sqlite} and {@code db/events/postgresql}).
 *
 * <pre>{@code
 * EventLog log = EventLog.sqlite(home.resolve("events.db"));
 * EventLog log = EventLog.postgresql("jdbc:postgresql://db:5432/nubo", "nubo", secret);
 * }</pre>
 *
 * <p><b>Group commit.</b> Every write is a unit of work handed to one writer thread, which runs as
 * many queued units as it finds (up to {@value #MAX_BATCH}) in one transaction and completes their
 * futures only after the commit. A producer is acknowledged when its future completes, so an
 * acknowledged event is durable: one fsync (SQLite's WAL with {@code synchronous=FULL}, PostgreSQL's
 * commit) per batch rather than per event. Reads run beside the writer, on other connections.
 *
 * <p><b>Failures.</b> A unit that fails fails alone: the transaction is given up, the writer takes a new
 * connection (after some errors, {@code SQLITE_FULL} among them, SQLite has rolled back on its own and
 * the driver no longer knows what is open; PostgreSQL refuses anything more in a failed transaction),
 * and the batch's other units run again. Units are therefore pure storage work that can run twice.
 * A full disk fails writes with a 507 naming the disk ({@link DiskFull}), and writes work again once there
 * is room, without a restart. A failed commit stores nothing when the cause is a full disk; for any
 * other cause the outcome is unknown, and the error says so.
 *
 * <p>Futures complete on the writer thread; callers hop to their own thread before doing real work.
 */
public final class EventLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    static final int MAX_BATCH = 1024;

    /** A unit of work against the writer's connection, inside the batch's transaction; it may run more than once. */
    @FunctionalInterface
    interface Work<T> {
        T run(Statements sql) throws SQLException;
    }

    /** Prepared statements of one connection, prepared once each. */
    static final class Statements implements AutoCloseable {
        private final Connection connection;
        private final Map<String, PreparedStatement> prepared = new HashMap<>();

        Statements(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement get(String sql) throws SQLException {
            PreparedStatement st = prepared.get(sql);
            if (st == null) {
                st = connection.prepareStatement(sql);
                prepared.put(sql, st);
            }
            st.clearParameters();
            return st;
        }

        Connection connection() {
            return connection;
        }

        /** Closes the statements and then the connection (returned to its pool, if it has one). */
        @Override
        public void close() throws SQLException {
            for (PreparedStatement st : prepared.values()) {
                st.close();
            }
            connection.close();
        }
    }

    private record Unit<T>(Work<T> work, CompletableFuture<T> done) {}

    private final LogDatabase db;
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    // Touched only by the writer thread (and by close() once it has stopped).
    private Statements writer;
    private boolean full;

    private EventLog(LogDatabase db) {
        this.db = db;
        this.thread = Thread.ofPlatform().name("nubo-event-log").daemon().start(this::writeLoop);
    }

    /** The event log in the SQLite file {@code file}, created and migrated as needed: one node's. */
    public static EventLog sqlite(Path file) {
        return open(() -> SqliteDatabase.open(file), "the event log " + file);
    }

    /**
     * The event log in the PostgreSQL database at {@code jdbcUrl} ({@code jdbc:postgresql://HOST:PORT/DB}),
     * in its schema {@code eventing}, created and migrated as needed, through a small pool of its own.
     * Several nodes may share it: their deliveries are leased (see {@link Eventing}).
     */
    public static EventLog postgresql(String jdbcUrl, String user, String password) {
        return open(() -> PostgresDatabase.open(jdbcUrl, user, password), "the event log in " + jdbcUrl);
    }

    private interface Opener {
        LogDatabase open() throws SQLException;
    }

    private static EventLog open(Opener opener, String what) {
        try {
            return new EventLog(opener.open());
        } catch (SQLException | RuntimeException e) {
            throw new PlatformFault("platform.store", "cannot open " + what + ": " + e.getMessage(), e);
        }
    }

    /** What a claim's inner select adds to lock the rows it picks, so that concurrent claims skip them. */
    String lockSkipped() {
        return db.lockSkipped();
    }

    /** Queues {@code work}; the future completes once it is committed, or fails with its error. */
    <T> CompletableFuture<T> write(Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new PlatformFault("platform.closed", "the event log is closed", null));
            return done;
        }
        queue.add(new Unit<>(work, done));
        return done;
    }

    /** Runs {@code work} on a read connection, blocking. Keep it off event loops. */
    <T> T read(Work<T> work) {
        try {
            return db.read(work);
        } catch (SQLException e) {
            throw new PlatformFault("platform.store", "reading the event log failed: " + e.getMessage(), e);
        }
    }

    private void writeLoop() {
        List<Unit<?>> batch = new ArrayList<>();
        while (true) {
            if (batch.isEmpty()) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    break;
                }
            }
            queue.drainTo(batch, MAX_BATCH - batch.size());
            int marker = indexOfCloseMarker(batch);
            if (marker >= 0) {
                List<Unit<?>> last = new ArrayList<>(batch.subList(0, marker));
                while (!last.isEmpty()) {
                    last = commit(last);
                }
                PlatformFault fault = new PlatformFault("platform.closed", "the event log is closed", null);
                batch.subList(marker, batch.size()).forEach(u -> u.done.completeExceptionally(fault));
                break;
            }
            batch = new ArrayList<>(commit(batch));
        }
    }

    private static int indexOfCloseMarker(List<Unit<?>> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).work == null) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Runs {@code batch} in one transaction and completes its futures.
     *
     * @return the units to run again, in a new transaction, because another unit of the batch failed
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<Unit<?>> commit(List<Unit<?>> batch) {
        Object[] results = new Object[batch.size()];
        Statements w;
        try {
            w = writer();
        } catch (SQLException | RuntimeException | Error e) {
            return failAll(batch, e, failure(e));
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                results[i] = batch.get(i).work.run(w);
            } catch (SQLException | RuntimeException | Error e) {
                return failedUnit(batch, i, e);
            }
        }
        try {
            w.connection().commit();
        } catch (SQLException | RuntimeException | Error e) {
            return failAll(batch, e, DiskFull.is(e) ? db.diskFull(e) : new PlatformFault("platform.store_unknown",
                    "committing to the event log failed, so whether this was stored is not known (if it was, it takes effect:"
                            + " its events are delivered, and sending them again may deliver them twice): " + e.getMessage(), e));
        }
        if (full) {
            full = false;
            log.info("the event log's disk has room again: writes to {} go through", db);
        }
        for (int i = 0; i < batch.size(); i++) {
            ((CompletableFuture) batch.get(i).done).complete(results[i]);
        }
        return List.of();
    }

    private List<Unit<?>> failAll(List<Unit<?>> batch, Throwable e, Throwable fault) {
        drop();
        noteFailure(batch.size() + " event log writes failed", e);
        batch.forEach(u -> u.done.completeExceptionally(fault));
        return List.of();
    }

    /**
     * The unit at {@code culprit} failed: it fails, the transaction is given up with the connection, and the
     * others are handed back to run again on a new one. Giving up the whole transaction rather than
     * rolling back to a savepoint costs a rerun when a unit fails, which is rare, and saves two round
     * trips per unit on PostgreSQL, every time.
     */
    private List<Unit<?>> failedUnit(List<Unit<?>> batch, int culprit, Throwable e) {
        drop();
        if (DiskFull.is(e)) {
            noteFailure("an event log write failed", e);
        } else {
            // The unit's own error (a constraint, a lost lease): its caller hears it and decides what it means.
            log.debug("an event log write failed; the {} others of its batch run again", batch.size() - 1, e);
        }
        batch.get(culprit).done.completeExceptionally(failure(e));
        List<Unit<?>> again = new ArrayList<>(batch);
        again.remove(culprit);
        return again;
    }

    /** What a unit's future fails with: its own exception, or a platform fault for storage errors. */
    private Throwable failure(Throwable e) {
        if (DiskFull.is(e)) {
            return db.diskFull(e);
        }
        return e instanceof SQLException ? new PlatformFault("platform.store", "writing the event log failed, so nothing of this was"
                + " stored: " + e.getMessage(), e) : e;
    }

    /** Logs a failed write; a full disk once, until a commit goes through again, rather than once per batch. */
    private void noteFailure(String what, Throwable e) {
        if (!DiskFull.is(e)) {
            log.error("{}", what, e);
        } else if (!full) {
            full = true;
            log.error("the event log's disk is full: {}. Writes fail with 507 until there is room again ({})",
                    db.describeDisk(), e.getMessage());
        }
    }

    /** The writer's connection, opened anew after a failure dropped it. */
    private Statements writer() throws SQLException {
        if (writer == null) {
            writer = new Statements(db.writer());
        }
        return writer;
    }

    /** Closes the writer's connection, rolling back whatever it still had open; the next batch opens a new one. */
    private void drop() {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
        } catch (SQLException e) {
            log.warn("closing the event log's failed connection failed too", e);
        }
        writer = null;
    }

    /** Commits what is queued, then closes the connections. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(new Unit<>(null, new CompletableFuture<>()));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drop();
        db.close();
    }

    @Override
    public String toString() {
        return db.toString();
    }
}
