package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Which node sends which delivery. Every stored delivery has an {@code owner} (a node id) and a
 * {@code lease_until}: until then no other node touches it; after it, any node may claim it. Then
 * several dispatchers can share one event log and never send the same attempt, and one that dies
 * has its deliveries taken over once its leases run out.
 *
 * <p>None of it costs a database round trip per event. A delivery is leased to the node that writes
 * it, in the same insert, until its first attempt has had time to end ({@link #until}: due time +
 * the attempt's timeout + the lease); a retry's update leases it until its next attempt has had time
 * to end. Beyond that, a node renews all its leases in one statement every third of a lease
 * ({@link #renew}), and knows them valid until the last renewal's end ({@link #validUntil}). Before
 * an attempt, the dispatcher checks that the lease outlasts the attempt's timeout ({@link #covers});
 * only when it does not (a long timeout, renewals failing) does it extend that one row first.
 *
 * <p>Every write that settles a delivery names its owner ({@code WHERE id = ? AND owner = ?}), so a
 * node whose lease ran out (a long pause, the database out of reach) finds its row gone and drops what
 * it made of it ({@link LeaseLost}), and a claim takes only rows whose lease has run out, each by one
 * node (SQLite serialises writers; PostgreSQL's {@code FOR UPDATE SKIP LOCKED}). What is assumed: the
 * nodes' clocks agree to well within a lease.
 */
final class Leases {

    /** How many expired deliveries one claim takes; a node claims again while claims come back full. */
    static final int CLAIM_BATCH = 1000;
    private static final String COLUMNS = "id, origin, target, payload, attempts, next_at, last_error, lease_until";

    private final EventLog log;
    private final String node;
    private final long leaseMs;
    private final InstantSource clock;
    private volatile long validUntil;

    Leases(EventLog log, String node, Duration lease, InstantSource clock) {
        this.log = log;
        this.node = node;
        this.leaseMs = lease.toMillis();
        this.clock = clock;
    }

    String node() {
        return node;
    }

    Duration lease() {
        return Duration.ofMillis(leaseMs);
    }

    /** The lease to write with a delivery due at {@code dueAt} whose attempt may take {@code timeoutMs}. */
    long until(long dueAt, long timeoutMs) {
        return dueAt + timeoutMs + leaseMs;
    }

    /** Until when every row of this node is known to be its own: the end of its last renewal. */
    long validUntil() {
        return validUntil;
    }

    /** Whether this node may start an attempt of {@code d} now: its lease outlasts the attempt. */
    boolean covers(Delivery d, long now, long timeoutMs) {
        return Math.max(validUntil, d.leaseUntil) >= now + timeoutMs;
    }

    /**
     * Extends the lease of {@code d}'s row to at least {@code until}; completes with whether the row is still
     * this node's (false: another node took it over, or it was deleted).
     */
    CompletableFuture<Boolean> extend(Delivery d, long until) {
        return log.write(sql -> {
            var st = sql.get("UPDATE deliveries SET lease_until = CASE WHEN lease_until < ? THEN ? ELSE lease_until END"
                    + " WHERE id = ? AND owner = ?");
            st.setLong(1, until);
            st.setLong(2, until);
            st.setLong(3, d.id);
            st.setString(4, node);
            return st.executeUpdate() == 1;
        });
    }

    /** Renews every lease of this node to at least a lease from now; once stored, they are valid until then. */
    CompletableFuture<Void> renew() {
        long until = clock.millis() + leaseMs;
        return log.write(sql -> {
            var st = sql.get("UPDATE deliveries SET lease_until = ? WHERE owner = ? AND lease_until < ?");
            st.setLong(1, until);
            st.setString(2, node);
            st.setLong(3, until);
            return st.executeUpdate();
        }).thenRun(() -> validUntil = Math.max(validUntil, until));
    }

    /**
     * At start: renews this node's leases (whatever the last run of this node left, running or not) and
     * returns its rows, to send again.
     */
    CompletableFuture<List<Delivery>> resumeOwn() {
        long until = clock.millis() + leaseMs;
        return log.write(sql -> {
            var st = sql.get("UPDATE deliveries SET lease_until = ? WHERE owner = ?");
            st.setLong(1, until);
            st.setString(2, node);
            st.executeUpdate();
            var own = sql.get("SELECT " + COLUMNS + " FROM deliveries WHERE owner = ?");
            own.setString(1, node);
            try (ResultSet rs = own.executeQuery()) {
                return deliveries(rs);
            }
        }).thenApply(rows -> {
            validUntil = Math.max(validUntil, until);
            return rows;
        });
    }

    /** Takes over up to {@value #CLAIM_BATCH} deliveries of other nodes whose leases have run out. */
    CompletableFuture<List<Delivery>> claimExpired() {
        long now = clock.millis();
        long until = now + leaseMs;
        return log.write(sql -> {
            var st = sql.get("UPDATE deliveries SET owner = ?, lease_until = ? WHERE id IN (SELECT id FROM deliveries"
                    + " WHERE lease_until < ? AND owner <> ? ORDER BY id LIMIT ?" + log.lockSkipped() + ") RETURNING " + COLUMNS);
            st.setString(1, node);
            st.setLong(2, until);
            st.setLong(3, now);
            st.setString(4, node);
            st.setInt(5, CLAIM_BATCH);
            try (ResultSet rs = st.executeQuery()) {
                return deliveries(rs);
            }
        });
    }

    /** Gives up this node's leases, so that another node may take its deliveries at once (a clean stop). */
    CompletableFuture<Integer> release() {
        return log.write(sql -> {
            var st = sql.get("UPDATE deliveries SET lease_until = 0 WHERE owner = ?");
            st.setString(1, node);
            return st.executeUpdate();
        });
    }

    private static List<Delivery> deliveries(ResultSet rs) throws SQLException {
        List<Delivery> all = new ArrayList<>();
        while (rs.next()) {
            Delivery d = new Delivery(rs.getLong(1), rs.getString(2), (Destination.Target) Destination.parse(rs.getString(3)),
                    rs.getBytes(4), rs.getInt(5), rs.getLong(6), rs.getString(7));
            d.leaseUntil = rs.getLong(8);
            all.add(d);
        }
        return all;
    }
}
