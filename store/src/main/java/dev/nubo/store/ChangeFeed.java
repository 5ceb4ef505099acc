package dev.nubo.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The change feed in the store's own tables: {@code feed} holds the newest generation, {@code changes}
 * what changed at each. Recording is the last step of a write's transaction, so the generation's row
 * is locked only from there to the commit and writers take generations in commit order (see the V4
 * migration); a reader that has seen N never finds N-1 appear later.
 */
final class ChangeFeed {

    /** The most changes one read returns; the reader asks again from the last. */
    static final int PAGE = 500;

    private final Database db;
    private final Optional<String> notify;
    private final Signal signal;
    private final JdbcStore.Tuning tuning;

    /**
     * @param notify a statement run after recording, with the generation as its parameter (PostgreSQL's
     *     {@code pg_notify}, delivered at commit), or none
     */
    ChangeFeed(Database db, Optional<String> notify, Signal signal, JdbcStore.Tuning tuning) {
        this.db = db;
        this.notify = notify;
        this.signal = signal;
        this.tuning = tuning;
    }

    /** Records a change, in the caller's transaction, as its last statements. */
    void record(Connection c, String service, Change.Kind kind, Optional<String> revision) throws SQLException {
        long generation = Database.query(c, "UPDATE feed SET generation = generation + 1 WHERE id = 1 RETURNING generation",
                rs -> rs.getLong(1)).getFirst();
        Database.update(c, "INSERT INTO changes (generation, service, kind, revision) VALUES (?, ?, ?, ?)",
                generation, service, kind.name(), revision.orElse(null));
        if (generation % 100 == 0) {
            Database.update(c, "DELETE FROM changes WHERE generation <= ?", generation - tuning.retained());
        }
        if (notify.isPresent()) {
            Database.query(c, notify.get(), rs -> null, Long.toString(generation));
        }
    }

    /** Wakes this JVM's waiters; for after a commit that recorded a change. */
    void committed() {
        signal.signal();
    }

    long generation() {
        return db.run(c -> current(c));
    }

    Changes since(long after) {
        return db.run(c -> {
            long current = current(c);
            if (after >= current) {
                return new Changes(Math.min(after, current), List.of(), after > current);
            }
            List<Change> page = Database.query(c, "SELECT generation, service, kind, revision FROM changes WHERE generation > ?"
                            + " ORDER BY generation LIMIT " + PAGE,
                    rs -> new Change(rs.getLong(1), rs.getString(2), Change.Kind.valueOf(rs.getString(3)),
                            Optional.ofNullable(rs.getString(4))), after);
            // Generations are consecutive, so a gap after `after` is exactly what was pruned.
            boolean missed = page.isEmpty() || page.getFirst().generation() != after + 1;
            return new Changes(page.isEmpty() ? current : page.getLast().generation(), page, missed);
        });
    }

    Changes await(long after, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long ticket = signal.ticket();
            Changes next = since(after);
            long left = deadline - System.nanoTime();
            if (!next.changes().isEmpty() || next.missed() || left <= 0) {
                return next;
            }
            try {
                signal.await(ticket, Duration.ofNanos(Math.min(left, tuning.poll().toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return next;
            }
        }
    }

    private static long current(Connection c) throws SQLException {
        return Database.query(c, "SELECT generation FROM feed WHERE id = 1", rs -> rs.getLong(1)).getFirst();
    }
}
