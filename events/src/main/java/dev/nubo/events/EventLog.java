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

    private final Statements writer;
    private final Statements reader;
    private final ReentrantLock readLock = new ReentrantLock();
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    private EventLog(Connection writer, Connection reader) {
        this.writer = new Statements(writer);
        this.reader = new Statements(reader);
        this.thread = Thread.ofPlatform().name("nubo-event-log").daemon().start(this::writeLoop);
    }

    static EventLog open(Path file) {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        try {
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/events").load().migrate();
            Connection writer = connect(url);
            writer.setAutoCommit(false);
            return new EventLog(writer, connect(url));
        } catch (SQLException | RuntimeException e) {
            throw new PlatformFault("platform.store", "cannot open the event log " + file + ": " + e.getMessage(), e);
        }
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
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            int marker = indexOfCloseMarker(batch);
            if (marker >= 0) {
                commit(batch.subList(0, marker));
                PlatformFault fault = new PlatformFault("platform.closed", "the event log is closed", null);
                batch.subList(marker, batch.size()).forEach(u -> u.done.completeExceptionally(fault));
                break;
            }
            commit(batch);
            batch.clear();
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

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void commit(List<Unit<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        try {
            Connection c = writer.connection();
            for (int i = 0; i < batch.size(); i++) {
                Savepoint sp = c.setSavepoint();
                try {
                    results[i] = batch.get(i).work.run(writer);
                    c.releaseSavepoint(sp);
                } catch (SQLException | RuntimeException e) {
                    c.rollback(sp);
                    c.releaseSavepoint(sp);
                    failures[i] = e;
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            log.error("committing {} event log writes failed", batch.size(), e);
            try {
                writer.connection().rollback();
            } catch (SQLException ignored) {
                // the connection is broken; every unit fails below
            }
            PlatformFault fault = new PlatformFault("platform.store", "writing the event log failed: " + e.getMessage(), e);
            batch.forEach(u -> u.done.completeExceptionally(fault));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture done = batch.get(i).done;
            if (failures[i] != null) {
                done.completeExceptionally(failures[i] instanceof SQLException
                        ? new PlatformFault("platform.store", "writing the event log failed: " + failures[i].getMessage(), failures[i])
                        : failures[i]);
            } else {
                done.complete(results[i]);
            }
        }
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
        for (Statements s : List.of(writer, reader)) {
            try {
                s.connection().close();
            } catch (SQLException e) {
                log.warn("closing the event log failed", e);
            }
        }
    }
}
