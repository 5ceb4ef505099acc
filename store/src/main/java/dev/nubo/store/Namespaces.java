package dev.nubo.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The namespaces made with {@code nubo ns create} and their quotas (the namespace {@code default} is
 * not a row: it always exists and has none). The store checks nothing but the name's uniqueness; the
 * server validates names and enforces the quotas.
 *
 * <pre>{@code
 * store.namespaces().create(new Namespaces.Namespace("team-a", 20, 50, 8L << 30, now));   // false if it exists
 * store.namespaces().all();            // by name
 * store.namespaces().delete("team-a");
 * }</pre>
 */
public final class Namespaces {

    /**
     * One namespace; a quota of 0 means no limit.
     *
     * @param maxMemory bytes: the most memory the namespace's instances may be given together
     */
    public record Namespace(String name, long maxServices, long maxInstances, long maxMemory, Instant createdAt) {}

    private static final String COLUMNS = "SELECT name, max_services, max_instances, max_memory, created_at FROM namespaces";

    private final Database db;

    Namespaces(Database db) {
        this.db = db;
    }

    /** Adds a namespace; false (nothing written) when one of that name exists. */
    public boolean create(Namespace n) {
        return db.write(c -> {
            if (!Database.query(c, "SELECT 1 FROM namespaces WHERE name = ?", rs -> 1, n.name()).isEmpty()) {
                return false;
            }
            Database.update(c, "INSERT INTO namespaces (name, max_services, max_instances, max_memory, created_at) VALUES (?, ?, ?, ?, ?)",
                    n.name(), n.maxServices(), n.maxInstances(), n.maxMemory(), n.createdAt().toEpochMilli());
            return true;
        });
    }

    /** Replaces the quotas of the namespace {@code n} names (its creation time stays); false when there is none. */
    public boolean setQuotas(Namespace n) {
        return db.write(c -> Database.update(c, "UPDATE namespaces SET max_services = ?, max_instances = ?, max_memory = ? WHERE name = ?",
                n.maxServices(), n.maxInstances(), n.maxMemory(), n.name()) > 0);
    }

    public Optional<Namespace> get(String name) {
        return db.run(c -> Database.query(c, COLUMNS + " WHERE name = ?", Namespaces::namespace, name).stream().findFirst());
    }

    /** Every namespace, by name. */
    public List<Namespace> all() {
        return db.run(c -> Database.query(c, COLUMNS + " ORDER BY name", Namespaces::namespace));
    }

    /** Deletes a namespace; false when there is none. */
    public boolean delete(String name) {
        return db.write(c -> Database.update(c, "DELETE FROM namespaces WHERE name = ?", name) > 0);
    }

    private static Namespace namespace(ResultSet rs) throws SQLException {
        return new Namespace(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5)));
    }
}
