package dev.nubo.events;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage side of one step, written in one unit of the event log: deliveries to add (leased to this
 * node), deliveries finished, events for the dead-letter store. New deliveries are handed to the
 * dispatcher only after the commit, so nothing is ever sent that a crash could forget.
 *
 * <p>A finished delivery's row is deleted only if it is still this node's. When it is not (its lease
 * ran out and another node took it over, or its trigger was deleted meanwhile) and the step has
 * consequences (a reply chained, a dead letter), the unit fails with {@link LeaseLost}, so that they
 * are not stored twice: whoever has the row now decides its fate.
 */
final class Changes {

    record DeadLetter(String origin, String target, byte[] payload, int attempts, String reason) {}

    final List<Delivery> added = new ArrayList<>();
    final List<Long> finished = new ArrayList<>();
    final List<DeadLetter> dead = new ArrayList<>();
    /** Triggers whose backlog was full, once per event it refused; counted as dead-lettered once stored. */
    final List<String> overflowed = new ArrayList<>();

    boolean isEmpty() {
        return added.isEmpty() && finished.isEmpty() && dead.isEmpty();
    }

    /** @param node this node's id, the owner of the rows it adds and the only one whose rows it may finish */
    void write(EventLog.Statements sql, String node, String now) throws SQLException {
        if (!added.isEmpty()) {
            PreparedStatement insert = sql.get("INSERT INTO deliveries (id, origin, target, payload, attempts, next_at, last_error,"
                    + " owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (Delivery d : added) {
                insert.setLong(1, d.id);
                insert.setString(2, d.origin);
                insert.setString(3, d.target.toString());
                insert.setBytes(4, d.payload);
                insert.setInt(5, d.attempts);
                insert.setLong(6, d.nextAt);
                insert.setString(7, d.lastError);
                insert.setString(8, node);
                insert.setLong(9, d.leaseUntil);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (!finished.isEmpty()) {
            PreparedStatement delete = sql.get("DELETE FROM deliveries WHERE id = ? AND owner = ?");
            for (long id : finished) {
                delete.setLong(1, id);
                delete.setString(2, node);
                delete.addBatch();
            }
            int[] deleted = delete.executeBatch();
            boolean consequences = !added.isEmpty() || !dead.isEmpty();
            for (int i = 0; i < deleted.length && consequences; i++) {
                if (deleted[i] == 0) {
                    throw new LeaseLost(finished.get(i));
                }
            }
        }
        if (!dead.isEmpty()) {
            PreparedStatement insert = sql.get("INSERT INTO dead_letters (origin, target, payload, attempts, reason, dead_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)");
            for (DeadLetter d : dead) {
                insert.setString(1, d.origin);
                insert.setString(2, d.target);
                insert.setBytes(3, d.payload);
                insert.setInt(4, d.attempts);
                insert.setString(5, d.reason);
                insert.setString(6, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
