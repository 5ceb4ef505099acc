package dev.nubo.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Workflow definitions, executions and their histories, in the store's database (SQLite or
 * PostgreSQL alike). Every step of an execution is one {@link #advance} transaction: its new history
 * events and its new cursor together, so that after a crash the execution resumes from exactly what
 * its history says. Every call blocks on the database; keep them off event loops.
 *
 * <pre>{@code
 * WorkflowLog log = store.workflows();
 * WorkflowVersion v = log.deploy("orders", aslJson, now);
 * ExecutionRecord e = log.start(new ExecutionRecord(id, "orders", v.version(), "run-1", "RUNNING", input, ...), firstEvents).record();
 * boolean stillRunning = log.advance(e.id(), "RUNNING", e.events(), events, progress);
 * }</pre>
 */
public final class WorkflowLog {

    /** An event to append; its sequence number is given by the log. */
    public record NewEvent(Instant at, String type, Optional<String> state, String detail) {}

    /** Where an execution stands after a step: its status, cursor and, once it ended, its outcome. */
    public record Progress(String status, String cursor, Optional<String> output, Optional<String> error,
            Optional<String> cause, Optional<Instant> stoppedAt) {}

    /** What {@link #start} found: the execution, and whether this call created it. */
    public record Started(ExecutionRecord record, boolean created) {}

    private static final String EXECUTION_COLUMNS = "SELECT id, workflow, version, name, status, input, output, error, cause,"
            + " cursor, events, started_at, stopped_at FROM workflow_executions";

    private final Database db;

    WorkflowLog(Database db) {
        this.db = db;
    }

    /**
     * Records {@code definition} as the next version of workflow {@code name}; when it is the same text as
     * the newest version, that version is returned and nothing is written (deploying twice is harmless).
     */
    public WorkflowVersion deploy(String name, String definition, Instant now) {
        return deploy(name, definition, "standard", false, now);
    }

    /** As {@link #deploy(String, String, Instant)}, with the version's type and gateway setting (a change of either is a new version). */
    public WorkflowVersion deploy(String name, String definition, String type, boolean http, Instant now) {
        return db.write(c -> {
            Optional<WorkflowVersion> latest = latest(c, name);
            if (latest.isPresent() && latest.get().definition().equals(definition) && latest.get().type().equals(type)
                    && latest.get().http() == http) {
                return latest.get();
            }
            int version = latest.map(v -> v.version() + 1).orElse(1);
            Database.update(c, "INSERT INTO workflows (name, version, definition, created_at, type, http) VALUES (?, ?, ?, ?, ?, ?)",
                    name, version, definition, now.toString(), type, http ? 1 : 0);
            return new WorkflowVersion(name, version, definition, now, type, http);
        });
    }

    /** The newest version of every workflow, by name. */
    public List<WorkflowVersion> workflows() {
        return db.run(c -> Database.query(c, "SELECT name, version, definition, created_at, type, http FROM workflows w"
                + " WHERE version = (SELECT MAX(version) FROM workflows v WHERE v.name = w.name) ORDER BY name", WorkflowLog::version));
    }

    public Optional<WorkflowVersion> workflow(String name) {
        return db.run(c -> latest(c, name));
    }

    public Optional<WorkflowVersion> workflow(String name, int version) {
        return db.run(c -> Database.query(c, "SELECT name, version, definition, created_at, type, http FROM workflows WHERE name = ? AND version = ?",
                WorkflowLog::version, name, version).stream().findFirst());
    }

    /**
     * Records a new execution with its first history events, unless {@code record.workflow()} already has
     * an execution of that name: then that one is returned, unchanged (idempotent starts).
     */
    public Started start(ExecutionRecord record, List<NewEvent> first) {
        return db.write(c -> {
            int inserted = Database.update(c, "INSERT INTO workflow_executions (id, workflow, version, name, status, input, cursor,"
                            + " events, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    record.id(), record.workflow(), record.version(), record.name(), record.status(), record.input(),
                    record.cursor(), (long) first.size(), record.startedAt().toString());
            if (inserted > 0) {
                append(c, record.id(), 0, first);
            }
            ExecutionRecord stored = Database.query(c, EXECUTION_COLUMNS + " WHERE workflow = ? AND name = ?", WorkflowLog::execution,
                    record.workflow(), record.name()).getFirst();
            return new Started(stored, inserted > 0);
        });
    }

    /**
     * Appends {@code events} and moves the execution to {@code progress}, in one transaction, if it is
     * still {@code fromStatus} with {@code seen} events; otherwise (stopped meanwhile, or another writer
     * moved it) writes nothing and answers false.
     */
    public boolean advance(String id, String fromStatus, long seen, List<NewEvent> events, Progress progress) {
        return db.write(c -> {
            int moved = Database.update(c, "UPDATE workflow_executions SET status = ?, cursor = ?, output = ?, error = ?, cause = ?,"
                            + " stopped_at = ?, events = ? WHERE id = ? AND status = ? AND events = ?",
                    progress.status(), progress.cursor(), progress.output().orElse(null), progress.error().orElse(null),
                    progress.cause().orElse(null), progress.stoppedAt().map(Instant::toString).orElse(null),
                    seen + events.size(), id, fromStatus, seen);
            if (moved == 0) {
                return false;
            }
            append(c, id, seen, events);
            return true;
        });
    }

    public Optional<ExecutionRecord> execution(String id) {
        return db.run(c -> Database.query(c, EXECUTION_COLUMNS + " WHERE id = ?", WorkflowLog::execution, id).stream().findFirst());
    }

    /** A workflow's executions, newest first, at most {@code limit}. */
    public List<ExecutionRecord> executions(String workflow, int limit) {
        return db.run(c -> Database.query(c, EXECUTION_COLUMNS + " WHERE workflow = ? ORDER BY started_at DESC, id DESC LIMIT ?",
                WorkflowLog::execution, workflow, limit));
    }

    /** Every execution in {@code status}: what a restarted server resumes. */
    /** How many executions of a workflow are in one status (RUNNING, SUCCEEDED, FAILED, ...). */
    public record StatusCount(String workflow, String status, long executions) {}

    /** Executions per workflow and status, for metrics: one grouped query. */
    public List<StatusCount> statusCounts() {
        return db.run(c -> Database.query(c, "SELECT workflow, status, count(*) FROM workflow_executions GROUP BY workflow, status"
                + " ORDER BY workflow, status", rs -> new StatusCount(rs.getString(1), rs.getString(2), rs.getLong(3))));
    }

    public List<ExecutionRecord> executionsIn(String status) {
        return db.run(c -> Database.query(c, EXECUTION_COLUMNS + " WHERE status = ? ORDER BY started_at", WorkflowLog::execution, status));
    }

    public List<HistoryEvent> history(String execution) {
        return db.run(c -> Database.query(c, "SELECT seq, at, type, state, detail FROM workflow_history WHERE execution = ? ORDER BY seq",
                rs -> new HistoryEvent(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3),
                        Optional.ofNullable(rs.getString(4)), rs.getString(5)), execution));
    }

    /** Appends {@code events} after event {@code seen}, in one batch: a chain of steps is one round trip, not one per event. */
    private static void append(Connection c, String id, long seen, List<NewEvent> events) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO workflow_history (execution, seq, at, type, state, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            long seq = seen;
            for (NewEvent e : events) {
                st.setString(1, id);
                st.setLong(2, ++seq);
                st.setString(3, e.at().toString());
                st.setString(4, e.type());
                st.setString(5, e.state().orElse(null));
                st.setString(6, e.detail());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static Optional<WorkflowVersion> latest(Connection c, String name) throws SQLException {
        return Database.query(c, "SELECT name, version, definition, created_at, type, http FROM workflows WHERE name = ? ORDER BY version DESC LIMIT 1",
                WorkflowLog::version, name).stream().findFirst();
    }

    private static WorkflowVersion version(ResultSet rs) throws SQLException {
        return new WorkflowVersion(rs.getString(1), rs.getInt(2), rs.getString(3), Instant.parse(rs.getString(4)), rs.getString(5),
                rs.getInt(6) != 0);
    }

    private static ExecutionRecord execution(ResultSet rs) throws SQLException {
        return new ExecutionRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Optional.ofNullable(rs.getString(7)), Optional.ofNullable(rs.getString(8)), Optional.ofNullable(rs.getString(9)),
                rs.getString(10), rs.getLong(11), Instant.parse(rs.getString(12)),
                Optional.ofNullable(rs.getString(13)).map(Instant::parse));
    }
}
