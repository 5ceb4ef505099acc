package dev.nubo.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;

/**
 * Nubo's durable state in one SQLite file: services, their revisions, and their events.
 *
 * <pre>{@code
 * try (Store store = Store.open(home.resolve("nubo.db"))) {
 *     RevisionRecord r = store.createRevision("hello", yaml, "sha256:…", now);
 * }
 * }</pre>
 *
 * <p>One connection behind a lock: SQLite has a single writer anyway, and the control plane's write
 * rate is a handful per second. Calls block; keep them off event loops.
 */
public final class Store implements AutoCloseable {

    private static final TypeReference<List<String>> LINES = new TypeReference<>() {};

    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();

    private Store(Connection db) {
        this.db = db;
    }

    /** Opens (creating if needed) and migrates the database at {@code file}. */
    public static Store open(Path file) {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        try {
            Flyway.configure().dataSource(url, null, null).load().migrate();
            Connection db = DriverManager.getConnection(url);
            try (var s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            return new Store(db);
        } catch (SQLException | RuntimeException e) {
            throw new PlatformFault("platform.store", "cannot open the state database " + file + ": " + e.getMessage(), e);
        }
    }

    public List<ServiceRecord> services() {
        return query(SERVICE_COLUMNS + " ORDER BY name", st -> {}, Store::service);
    }

    public Optional<ServiceRecord> service(String name) {
        return query(SERVICE_COLUMNS + " WHERE name = ?", st -> st.setString(1, name), Store::service).stream().findFirst();
    }

    /**
     * Replaces how {@code service}'s requests are split across its revisions, and its tags, and clears a
     * rollback pin: explicit traffic is the newer decision. The write is conditional: it happens only if
     * the service's {@link ServiceRecord#trafficVersion() traffic version} is still {@code expectedVersion},
     * the one the caller read and based the change on, so that concurrent edits cannot lose one another.
     * Every revision id the traffic names must be one of this service's revisions; whether it is READY
     * is the caller's policy, not storage's. Each tag claims its host name label {@code TAG-SERVICE}.
     *
     * <pre>{@code
     * ServiceRecord hello = store.service("hello").orElseThrow();
     * store.setTraffic("hello", Traffic.parse(List.of("hello-00002=90", "latest=10"), List.of()), hello.trafficVersion());
     * }</pre>
     *
     * @return the service as now stored, or empty when its traffic changed since {@code expectedVersion}
     * @throws UserError 404 {@code service.not_found} or {@code revision.not_found}; 409 {@code host.taken}
     *     when a tag's host name is another service's or another tag's
     */
    public Optional<ServiceRecord> setTraffic(String service, Traffic traffic, long expectedVersion) {
        return transaction(() -> {
            if (service(service).isEmpty()) {
                throw UserError.notFound("service.not_found", "no service named " + service,
                        "`nubo list` shows the services; deploy one with `nubo deploy DIR`");
            }
            for (String id : revisionsNamed(traffic)) {
                if (revision(id).filter(r -> r.service().equals(service)).isEmpty()) {
                    throw UserError.notFound("revision.not_found", "service " + service + " has no revision " + id,
                            "`nubo describe " + service + "` lists its revisions");
                }
            }
            // The default is stored as NULL, as it is for services that never had traffic set.
            String json = traffic.equals(Traffic.latest()) ? null : json(traffic);
            int written = update("UPDATE services SET traffic = ?, pinned_revision = NULL, traffic_version = traffic_version + 1"
                            + " WHERE name = ? AND traffic_version = ?",
                    st -> { st.setString(1, json); st.setString(2, service); st.setLong(3, expectedVersion); });
            if (written == 0) {
                return Optional.<ServiceRecord>empty();
            }
            update("DELETE FROM hosts WHERE service = ? AND tag IS NOT NULL", st -> st.setString(1, service));
            for (String tag : traffic.tags().keySet()) {
                claim(tag + "-" + service, service, Optional.of(tag));
            }
            return service(service);
        });
    }

    /**
     * Records a new revision of {@code service}, creating the service when it is new (it claims its
     * host name label). A deploy always unpins: whoever deploys new code expects it to serve. It leaves
     * the traffic split alone: an explicit split survives deploys, and the new revision takes traffic
     * only through a {@code latest} split.
     *
     * @throws UserError 409 {@code host.taken} when a new service's name is the host of another service's tag
     */
    public RevisionRecord createRevision(String service, String descriptorYaml, String digest, Instant now) {
        return transaction(() -> {
            int created = update("INSERT INTO services (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    st -> { st.setString(1, service); st.setString(2, now.toString()); });
            if (created > 0) {
                claim(service, service, Optional.empty());
            }
            int number = query("SELECT next_number FROM services WHERE name = ?", st -> st.setString(1, service),
                    rs -> rs.getInt(1)).getFirst();
            // Unpinning changes what the service's traffic is, so it is a new traffic version; a deploy that unpins nothing is not.
            update("UPDATE services SET next_number = ?, traffic_version = traffic_version + (pinned_revision IS NOT NULL),"
                            + " pinned_revision = NULL WHERE name = ?",
                    st -> { st.setInt(1, number + 1); st.setString(2, service); });
            String id = RevisionRecord.id(service, number);
            update("INSERT INTO revisions (id, service, number, descriptor, digest, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    st -> {
                        st.setString(1, id);
                        st.setString(2, service);
                        st.setInt(3, number);
                        st.setString(4, descriptorYaml);
                        st.setString(5, digest);
                        st.setString(6, RevisionState.DEPLOYING.name());
                        st.setString(7, now.toString());
                    });
            return revision(id).orElseThrow();
        });
    }

    /** Revisions of a service, newest first. */
    public List<RevisionRecord> revisions(String service) {
        return query(REVISION_COLUMNS + " WHERE service = ? ORDER BY number DESC", st -> st.setString(1, service), Store::revision);
    }

    public Optional<RevisionRecord> revision(String id) {
        return query(REVISION_COLUMNS + " WHERE id = ?", st -> st.setString(1, id), Store::revision).stream().findFirst();
    }

    /** Marks a revision ready; the transition is checked against {@link RevisionState}. */
    public RevisionRecord markReady(String id, Instant readyAt) {
        return transition(id, RevisionState.READY, Optional.empty(), List.of(), Optional.of(readyAt));
    }

    /** Marks a revision failed with the reason and the last lines of its log. */
    public RevisionRecord markFailed(String id, String reason, List<String> logTail) {
        return transition(id, RevisionState.FAILED, Optional.of(reason), logTail, Optional.empty());
    }

    /** Pins (or unpins) the service to a revision; a new traffic version, since the traffic it serves changes. */
    public void pin(String service, Optional<String> revision) {
        locked(() -> update("UPDATE services SET pinned_revision = ?, traffic_version = traffic_version + 1 WHERE name = ?",
                st -> { st.setString(1, revision.orElse(null)); st.setString(2, service); }));
    }

    /**
     * Claims the host name {@code label} for a service, or one of its tags. The table's primary key
     * decides, in this transaction, so two claims cannot both succeed whatever their timing; the
     * holder is read only to say who it is.
     */
    private void claim(String label, String service, Optional<String> tag) throws SQLException {
        int claimed = update("INSERT INTO hosts (label, service, tag) VALUES (?, ?, ?) ON CONFLICT (label) DO NOTHING", st -> {
            st.setString(1, label);
            st.setString(2, service);
            st.setString(3, tag.orElse(null));
        });
        if (claimed > 0) {
            return;
        }
        record Holder(String service, Optional<String> tag) {}
        Holder holder = query("SELECT service, tag FROM hosts WHERE label = ?", st -> st.setString(1, label),
                rs -> new Holder(rs.getString(1), Optional.ofNullable(rs.getString(2)))).getFirst();
        String claimant = tag.map(t -> "tag " + t + " of service " + service).orElse("service " + service);
        String held = holder.tag().map(t -> "tag " + t + " of service " + holder.service()).orElse("service " + holder.service());
        String hint = tag.isEmpty()
                ? "name the service differently in nubo.yaml, or remove the tag first: `nubo traffic " + holder.service()
                        + " --untag " + holder.tag().orElseThrow() + "`"
                : holder.tag().map(t -> "choose another tag name, or remove that tag first: `nubo traffic " + holder.service()
                        + " --untag " + t + "`").orElse("choose another tag name, or delete service " + holder.service() + " first");
        throw UserError.conflict("host.taken", claimant + " would answer at the host name " + label + ", which " + held + " has", hint);
    }

    /** Deletes a service with its revisions and events. */
    public boolean deleteService(String name) {
        return locked(() -> update("DELETE FROM services WHERE name = ?", st -> st.setString(1, name))) > 0;
    }

    public void addEvent(String service, Optional<String> revision, Instant time, String message) {
        locked(() -> update("INSERT INTO events (service, revision, time, message) VALUES (?, ?, ?, ?)", st -> {
            st.setString(1, service);
            st.setString(2, revision.orElse(null));
            st.setString(3, time.toString());
            st.setString(4, message);
        }));
    }

    /** The newest {@code limit} events of a service, newest first. */
    public List<EventRecord> events(String service, int limit) {
        return query("SELECT id, service, revision, time, message FROM events WHERE service = ? ORDER BY id DESC LIMIT ?",
                st -> { st.setString(1, service); st.setInt(2, limit); },
                rs -> new EventRecord(rs.getLong(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
                        Instant.parse(rs.getString(4)), rs.getString(5)));
    }

    @Override
    public void close() {
        locked(() -> {
            try {
                db.close();
            } catch (SQLException e) {
                throw fault(e);
            }
            return null;
        });
    }

    private RevisionRecord transition(String id, RevisionState to, Optional<String> reason, List<String> logTail, Optional<Instant> readyAt) {
        return transaction(() -> {
            RevisionRecord current = revision(id).orElseThrow(() -> new IllegalStateException("no revision " + id));
            current.state().to(to);
            update("UPDATE revisions SET state = ?, reason = ?, log_tail = ?, ready_at = COALESCE(?, ready_at) WHERE id = ?", st -> {
                st.setString(1, to.name());
                st.setString(2, reason.orElse(null));
                st.setString(3, logTail.isEmpty() ? null : json(logTail));
                st.setString(4, readyAt.map(Instant::toString).orElse(null));
                st.setString(5, id);
            });
            return revision(id).orElseThrow();
        });
    }

    private static final String REVISION_COLUMNS =
            "SELECT id, service, number, descriptor, digest, state, reason, log_tail, created_at, ready_at FROM revisions";

    private static RevisionRecord revision(ResultSet rs) throws SQLException {
        String tail = rs.getString(8);
        return new RevisionRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                RevisionState.valueOf(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
                tail == null ? List.of() : lines(tail), Instant.parse(rs.getString(9)),
                Optional.ofNullable(rs.getString(10)).map(Instant::parse));
    }

    private static final String SERVICE_COLUMNS = "SELECT name, created_at, pinned_revision, traffic, traffic_version FROM services";

    private static ServiceRecord service(ResultSet rs) throws SQLException {
        return new ServiceRecord(rs.getString(1), Instant.parse(rs.getString(2)), Optional.ofNullable(rs.getString(3)),
                traffic(rs.getString(1), rs.getString(4)), rs.getLong(5));
    }

    private static Traffic traffic(String service, String json) {
        if (json == null) {
            return Traffic.latest();
        }
        try {
            return Json.mapper().readValue(json, Traffic.class);
        } catch (JsonProcessingException e) {
            // Only this class writes the column, and it wrote a valid Traffic: the file was changed by hand.
            throw new PlatformFault("platform.store", "the stored traffic of service " + service + " is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static TreeSet<String> revisionsNamed(Traffic traffic) {
        TreeSet<String> ids = new TreeSet<>(traffic.tags().values());
        traffic.splits().forEach(s -> ids.add(s.revision()));
        ids.remove(Traffic.LATEST);
        return ids;
    }

    private static List<String> lines(String json) {
        try {
            return Json.mapper().readValue(json, LINES);
        } catch (JsonProcessingException e) {
            return List.of(json);
        }
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement st) throws SQLException;
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, Row<T> row) {
        return locked(() -> {
            try (PreparedStatement st = db.prepareStatement(sql)) {
                binder.bind(st);
                try (ResultSet rs = st.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row.read(rs));
                    }
                    return out;
                }
            }
        });
    }

    private int update(String sql, Binder binder) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            binder.bind(st);
            return st.executeUpdate();
        }
    }

    private <T> T transaction(Work<T> work) {
        return locked(() -> {
            db.setAutoCommit(false);
            try {
                T result = work.run();
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    private <T> T locked(Work<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw fault(e);
        } finally {
            lock.unlock();
        }
    }

    private static PlatformFault fault(SQLException e) {
        return new PlatformFault("platform.store", "state database error: " + e.getMessage(), e);
    }
}
