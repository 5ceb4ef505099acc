package dev.nubo.events;

import dev.nubo.model.PlatformFault;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eventing state in its own SQLite file ({@code events.db}, next to the control plane's): brokers,
 * triggers, pending deliveries, dead letters, invocations and sources.
 *
 * <p><b>Group commit.</b> Every write is a unit of work handed to one writer thread, which runs as
 * many queued units as it finds (up to {@value #MAX_BATCH}) in one transaction, each under its own
 * savepoint so that one failing unit fails alone, and completes their futures only after the commit.
 * A producer is acknowledged when its future completes, so an acknowledged event is on disk: the WAL
 * is synced at every commit ({@code synchronous=FULL}), which costs one fsync per batch rather than
 * per event. Reads use a second connection; WAL lets them run beside the writer.
 *
 * <p><b>Failures.</b> A unit that fails is undone to its savepoint and fails alone. Some errors make
 * SQLite roll back the whole transaction instead, {@code SQLITE_FULL} among them: then the failing unit
 * fails, nothing else of its batch is stored, and the rest run again in a new transaction. After any
 * such failure the writer drops its connection and opens a new one for the next batch, because the
 * driver's idea of the transaction no longer matches SQLite's (left as it was, every later write ran
 * outside any transaction, was stored, and still reported "no transaction is active"). A full disk
 * fails writes with a 507 naming the disk ({@link DiskFull}), and writes work again once there is room,
 * without a restart. A failed commit stores nothing when the cause is a full disk (the WAL frame that
 * would have committed was not written); for any other cause the outcome is unknown, and the error says so.
 *
 * <p>Futures complete on the writer thread; callers hop to their own thread before doing real work.
 */
final class EventLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    static final int MAX_BATCH = 1024;

    /** A unit of work against the writer's connection, inside the batch's transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Statements sql) throws SQLException;
    }

    /** Prepared statements of one connection, prepared once each. */
    static final class Statements {
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
    }

    private record Unit<T>(Work<T> work, CompletableFuture<T> done) {}

    private final Path file;
    private final String url;
    private final Statements reader;
    private final ReentrantLock readLock = new ReentrantLock();
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    // Touched only by the writer thread (and by close() once it has stopped).
    private Statements writer;
    private boolean full;

    private EventLog(Path file, String url, Connection writer, Connection reader) {
        this.file = file;
        this.url = url;
        this.writer = new Statements(writer);
        this.reader = new Statements(reader);
        this.thread = Thread.ofPlatform().name("nubo-event-log").daemon().start(this::writeLoop);
    }

    static EventLog open(Path file) {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        try {
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/events").load().migrate();
            return new EventLog(file, url, writerConnection(url), connect(url));
        } catch (SQLException | RuntimeException e) {
            throw new PlatformFault("platform.store", "cannot open the event log " + file + ": " + e.getMessage(), e);
        }
    }

    private static Connection writerConnection(String url) throws SQLException {
        Connection c = connect(url);
        c.setAutoCommit(false);
        return c;
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

    /** Runs {@code work} on the read connection, blocking. Keep it off event loops. */
    <T> T read(Work<T> work) {
        readLock.lock();
        try {
            return work.run(reader);
        } catch (SQLException e) {
            throw new PlatformFault("platform.store", "reading the event log failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
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
     * @return the units to run again, in a new transaction: those SQLite rolled back with another's failure
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<Unit<?>> commit(List<Unit<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        Connection c;
        try {
            c = writer().connection();
            for (int i = 0; i < batch.size(); i++) {
                Savepoint sp = c.setSavepoint();
                try {
                    results[i] = batch.get(i).work.run(writer);
                    c.releaseSavepoint(sp);
                } catch (SQLException | RuntimeException | Error e) {
                    failures[i] = e;
                    if (!undo(c, sp)) {
                        return lostTransaction(batch, failures, i);
                    }
                }
            }
        } catch (SQLException | RuntimeException | Error e) {
            // Opening the connection or a savepoint failed: nothing of the batch is committed.
            return failAll(batch, e, failure(e));
        }
        try {
            c.commit();
        } catch (SQLException | RuntimeException | Error e) {
            return failAll(batch, e, DiskFull.is(e) ? DiskFull.fault(file, e) : new PlatformFault("platform.store_unknown",
                    "committing to the event log failed, so whether this was stored is not known (if it was, it takes effect:"
                            + " its events are delivered, and sending them again may deliver them twice): " + e.getMessage(), e));
        }
        if (full) {
            full = false;
            log.info("the event log's disk has room again: writes to {} go through", file);
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture done = batch.get(i).done;
            if (failures[i] != null) {
                done.completeExceptionally(failure(failures[i]));
            } else {
                done.complete(results[i]);
            }
        }
        return List.of();
    }

    private List<Unit<?>> failAll(List<Unit<?>> batch, Throwable e, Throwable fault) {
        drop();
        noteFailure(batch.size() + " event log writes failed", e);
        batch.forEach(u -> u.done.completeExceptionally(fault));
        return List.of();
    }

    /** Rolls back to {@code sp}; false when SQLite has already rolled back the whole transaction. */
    private static boolean undo(Connection c, Savepoint sp) {
        try {
            c.rollback(sp);
            c.releaseSavepoint(sp);
            return true;
        } catch (SQLException | RuntimeException gone) {
            return false;
        }
    }

    /**
     * The unit at {@code culprit} failed and took the whole transaction with it: it fails, the units that
     * had failed before it fail too, and the others are handed back to run again on a new connection.
     */
    private List<Unit<?>> lostTransaction(List<Unit<?>> batch, Throwable[] failures, int culprit) {
        drop();
        noteFailure("an event log write failed and SQLite rolled back its batch of " + batch.size() + "; the others are tried again",
                failures[culprit]);
        List<Unit<?>> again = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (failures[i] != null) {
                batch.get(i).done.completeExceptionally(failure(failures[i]));
            } else if (i != culprit) {
                again.add(batch.get(i));
            }
        }
        return again;
    }

    /** What a unit's future fails with: its own exception, or a platform fault for storage errors. */
    private Throwable failure(Throwable e) {
        if (DiskFull.is(e)) {
            return DiskFull.fault(file, e);
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
                    DiskFull.describe(file), e.getMessage());
        }
    }

    /** The writer's connection, opened anew after a failure dropped it. */
    private Statements writer() throws SQLException {
        if (writer == null) {
            writer = new Statements(writerConnection(url));
        }
        return writer;
    }

    /** Closes the writer's connection, rolling back whatever it still had open; the next batch opens a new one. */
    private void drop() {
        if (writer == null) {
            return;
        }
        try {
            writer.connection().close();
        } catch (SQLException e) {
            log.warn("closing the event log's failed connection failed too", e);
        }
        writer = null;
    }

    /** Commits what is queued, then closes both connections. */
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
        try {
            reader.connection().close();
        } catch (SQLException e) {
            log.warn("closing the event log failed", e);
        }
    }
}
