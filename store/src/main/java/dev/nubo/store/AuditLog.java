package dev.nubo.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The audit log: every change made through the control API, in the store's database, so that a
 * cluster has one log whichever node took the request. Every call blocks on the database.
 */
public final class AuditLog {

    private final Database db;

    AuditLog(Database db) {
        this.db = db;
    }

    public void append(AuditRecord r) {
        db.run(c -> Database.update(c, "INSERT INTO audit_log (id, at, caller, method, route, target, address, status)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), r.at().toEpochMilli(), r.caller(), r.method(),
                r.route(), r.target(), r.address(), r.status()));
    }

    /** Deletes the entries from before {@code before}; returns how many. */
    public int deleteBefore(Instant before) {
        return db.run(c -> Database.update(c, "DELETE FROM audit_log WHERE at < ?", before.toEpochMilli()));
    }

    /** The entries at or after {@code since}, oldest first, at most {@code limit} (the newest of them). */
    public List<AuditRecord> since(Instant since, int limit) {
        List<AuditRecord> newest = db.run(c -> Database.query(c, "SELECT at, caller, method, route, target, address, status FROM audit_log"
                        + " WHERE at >= ? ORDER BY at DESC LIMIT ?",
                rs -> new AuditRecord(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7)), since.toEpochMilli(), limit));
        return newest.reversed();
    }
}
