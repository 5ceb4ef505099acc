package dev.nubo.store;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The store over JDBC, one implementation for SQLite and PostgreSQL: the SQL of reads and writes is
 * the same for both (standard SQL plus {@code ON CONFLICT} and {@code RETURNING}, which both have).
 * What differs, opening and configuring the connections, the migrations, and how other nodes hear of
 * a change, is in {@link Sqlite} and {@link Postgresql}.
 */
final class JdbcStore implements Store {

    /**
     * @param poll how often a waiter reads the feed when nothing woke it: the fallback for a lost
     *     notification, and for writers no notification reaches
     * @param retained how many of the newest changes are kept for readers that fell behind
     */
    record Tuning(Duration poll, int retained) {
        static final Tuning DEFAULT = new Tuning(Duration.ofSeconds(1), 10_000);
    }

    private final Database db;
    private final ChangeFeed feed;
    private final AutoCloseable listener;

    /** @param listener what wakes this Store's waiters when another node writes, closed with the store */
    JdbcStore(Database db, ChangeFeed feed, AutoCloseable listener) {
        this.db = db;
        this.feed = feed;
        this.listener = listener;
    }

    static Store open(StoreLocation location, Tuning tuning) {
        return switch (location) {
            case StoreLocation.SqliteFile file -> Sqlite.open(file, tuning);
            case StoreLocation.PostgresUrl url -> Postgresql.open(url, tuning);
        };
    }

    @Override
    public List<ServiceRecord> services() {
        return db.run(c -> Database.query(c, Rows.SERVICE_COLUMNS + " ORDER BY name", Rows::service));
    }

    @Override
    public Optional<ServiceRecord> service(String name) {
        return db.run(c -> service(c, name));
    }

    @Override
    public RevisionRecord createRevision(String service, String descriptorYaml, String digest, Instant now) {
        return change(c -> {
            int created = Database.update(c, "INSERT INTO services (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    service, now.toString());
            if (created > 0) {
                Hosts.claim(c, service, service, Optional.empty());
            }
            // One statement allocates the number, under the row's lock (PostgreSQL) or the database's write
            // lock (SQLite): concurrent deploys, from any node, take turns and never get the same number.
            // Unpinning changes what the service's traffic is, so it is a new traffic version; a deploy that
            // unpins nothing is not.
            List<Integer> allocated = Database.query(c, "UPDATE services SET next_number = next_number + 1,"
                            + " traffic_version = traffic_version + CASE WHEN pinned_revision IS NULL THEN 0 ELSE 1 END,"
                            + " pinned_revision = NULL WHERE name = ? RETURNING next_number - 1",
                    rs -> rs.getInt(1), service);
            if (allocated.isEmpty()) {
                throw new StoreConflict("service " + service + " was deleted while its new revision was being recorded",
                        0, OptionalLong.empty());
            }
            String id = RevisionRecord.id(service, allocated.getFirst());
            Database.update(c, "INSERT INTO revisions (id, service, number, descriptor, digest, state, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id, service, allocated.getFirst(), descriptorYaml, digest, RevisionState.DEPLOYING.name(), now.toString());
            feed.record(c, service, Change.Kind.DEPLOYED, Optional.of(id));
            return revision(c, id).orElseThrow();
        });
    }

    @Override
    public List<RevisionRecord> revisions(String service) {
        return db.run(c -> Database.query(c, Rows.REVISION_COLUMNS + " WHERE service = ? ORDER BY number DESC", Rows::revision, service));
    }

    @Override
    public Optional<RevisionRecord> revision(String id) {
        return db.run(c -> revision(c, id));
    }

    @Override
    public RevisionRecord markReady(RevisionRecord read, Instant readyAt) {
        return transition(read, RevisionState.READY, Optional.empty(), List.of(), Optional.of(readyAt));
    }

    @Override
    public RevisionRecord markFailed(RevisionRecord read, String reason, List<String> logTail) {
        return transition(read, RevisionState.FAILED, Optional.of(reason), logTail, Optional.empty());
    }

    private RevisionRecord transition(RevisionRecord read, RevisionState to, Optional<String> reason, List<String> logTail,
            Optional<Instant> readyAt) {
        read.state().to(to); // an illegal transition is the caller's bug, whatever is stored now
        return change(c -> {
            int written = Database.update(c, "UPDATE revisions SET state = ?, reason = ?, log_tail = ?, ready_at = COALESCE(?, ready_at),"
                            + " version = version + 1 WHERE id = ? AND state = ? AND version = ?",
                    to.name(), reason.orElse(null), logTail.isEmpty() ? null : Rows.json(logTail),
                    readyAt.map(Instant::toString).orElse(null), read.id(), read.state().name(), read.version());
            if (written == 0) {
                Optional<RevisionRecord> now = revision(c, read.id());
                throw new StoreConflict("revision " + read.id() + " changed since it was read: it was " + read.state()
                        + " (version " + read.version() + ") and is "
                        + now.map(r -> r.state() + " (version " + r.version() + ")").orElse("deleted") + " now; it did not become " + to,
                        read.version(), now.map(r -> OptionalLong.of(r.version())).orElse(OptionalLong.empty()));
            }
            feed.record(c, read.service(), to == RevisionState.READY ? Change.Kind.READY : Change.Kind.FAILED, Optional.of(read.id()));
            return revision(c, read.id()).orElseThrow();
        });
    }

    @Override
    public ServiceRecord setTraffic(String service, Traffic traffic, long expectedVersion) {
        return change(c -> {
            existing(c, service);
            TreeSet<String> named = new TreeSet<>(traffic.tags().values());
            traffic.splits().forEach(s -> named.add(s.revision()));
            named.remove(Traffic.LATEST);
            for (String id : named) {
                revisionOf(c, service, id);
            }
            int written = Database.update(c, "UPDATE services SET traffic = ?, pinned_revision = NULL,"
                    + " traffic_version = traffic_version + 1 WHERE name = ? AND traffic_version = ?",
                    Rows.trafficColumn(traffic), service, expectedVersion);
            if (written == 0) {
                throw trafficChanged(c, service, expectedVersion);
            }
            Hosts.releaseTags(c, service);
            for (String tag : traffic.tags().keySet()) {
                Hosts.claim(c, tag + "-" + service, service, Optional.of(tag));
            }
            feed.record(c, service, Change.Kind.TRAFFIC, Optional.empty());
            return service(c, service).orElseThrow();
        });
    }

    @Override
    public ServiceRecord pin(String service, Optional<String> revision, long expectedVersion) {
        return change(c -> {
            existing(c, service);
            if (revision.isPresent()) {
                revisionOf(c, service, revision.get());
            }
            int written = Database.update(c, "UPDATE services SET pinned_revision = ?, traffic_version = traffic_version + 1"
                    + " WHERE name = ? AND traffic_version = ?", revision.orElse(null), service, expectedVersion);
            if (written == 0) {
                throw trafficChanged(c, service, expectedVersion);
            }
            feed.record(c, service, Change.Kind.PINNED, revision);
            return service(c, service).orElseThrow();
        });
    }

    @Override
    public boolean deleteService(String name) {
        return change(c -> {
            boolean deleted = Database.update(c, "DELETE FROM services WHERE name = ?", name) > 0;
            if (deleted) {
                feed.record(c, name, Change.Kind.DELETED, Optional.empty());
            }
            return deleted;
        });
    }

    @Override
    public void addEvent(String service, Optional<String> revision, Instant time, String message) {
        db.run(c -> Database.update(c, "INSERT INTO events (service, revision, time, message) VALUES (?, ?, ?, ?)",
                service, revision.orElse(null), time.toString(), message));
    }

    @Override
    public List<EventRecord> events(String service, int limit) {
        return db.run(c -> Database.query(c, Rows.EVENT_COLUMNS + " WHERE service = ? ORDER BY id DESC LIMIT ?", Rows::event,
                service, limit));
    }

    @Override
    public long generation() {
        return feed.generation();
    }

    @Override
    public Changes changes(long after) {
        return feed.since(after);
    }

    @Override
    public Changes await(long after, Duration timeout) {
        return feed.await(after, timeout);
    }

    @Override
    public WorkflowLog workflows() {
        return new WorkflowLog(db);
    }

    @Override
    public ConfigLog config() {
        return new ConfigLog(db);
    }

    @Override
    public Credentials credentials() {
        return new Credentials(db);
    }

    @Override
    public AuditLog audit() {
        return new AuditLog(db);
    }

    @Override
    public UsageLog usage() {
        return new UsageLog(db);
    }

    @Override
    public AlertRules alerts() {
        return new AlertRules(db);
    }

    @Override
    public Namespaces namespaces() {
        return new Namespaces(db);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (Exception e) {
            // the listener's connection is gone either way once the pool closes
        }
        db.close();
    }

    /** A write that changes a service: one transaction that records its change, then this JVM's waiters are woken. */
    private <T> T change(Database.Work<T> work) {
        T result = db.write(work);
        feed.committed();
        return result;
    }

    private static Optional<ServiceRecord> service(Connection c, String name) throws SQLException {
        return Database.query(c, Rows.SERVICE_COLUMNS + " WHERE name = ?", Rows::service, name).stream().findFirst();
    }

    private static Optional<RevisionRecord> revision(Connection c, String id) throws SQLException {
        return Database.query(c, Rows.REVISION_COLUMNS + " WHERE id = ?", Rows::revision, id).stream().findFirst();
    }

    private static void existing(Connection c, String service) throws SQLException {
        if (service(c, service).isEmpty()) {
            throw UserError.notFound("service.not_found", "no service named " + service,
                    "`nubo list` shows the services; deploy one with `nubo deploy DIR`");
        }
    }

    private static void revisionOf(Connection c, String service, String id) throws SQLException {
        if (revision(c, id).filter(r -> r.service().equals(service)).isEmpty()) {
            throw UserError.notFound("revision.not_found", "service " + service + " has no revision " + id,
                    "`nubo describe " + service + "` lists its revisions");
        }
    }

    private static StoreConflict trafficChanged(Connection c, String service, long expectedVersion) throws SQLException {
        Optional<ServiceRecord> now = service(c, service);
        return new StoreConflict("the traffic of service " + service + " changed since it was read: it was at version "
                + expectedVersion + " and is " + now.map(s -> "at version " + s.trafficVersion()).orElse("deleted") + " now",
                expectedVersion, now.map(s -> OptionalLong.of(s.trafficVersion())).orElse(OptionalLong.empty()));
    }
}
