package dev.nubo.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Applications' configuration as a history of versions, in the store's database (SQLite or
 * PostgreSQL alike). Nothing is ever updated in place: each change appends the next version, holding
 * the whole configuration, so history is complete and a rollback is a new version equal to an old one.
 *
 * <pre>{@code
 * ConfigLog config = store.config();
 * ConfigVersion v = config.change("orders", all -> withKey(all, "default", "greeting", "hi"), "set greeting", now);
 * config.change("orders", all -> config.version("orders", 1).orElseThrow().profiles(), "rollback to 1", now);
 * }</pre>
 */
public final class ConfigLog {

    private static final TypeReference<TreeMap<String, TreeMap<String, String>>> PROFILES = new TypeReference<>() {};
    private static final String COLUMNS = "SELECT app, version, properties, change, created_at FROM config_versions";
    /** Concurrent writers of one application: each retry reads the newer version, so few are ever needed. */
    private static final int ATTEMPTS = 5;

    private final Database db;

    ConfigLog(Database db) {
        this.db = db;
    }

    /**
     * Appends the next version of {@code app}: {@code change} applied to the newest version's profiles
     * (empty for a new application). When the result equals the newest version, nothing is written
     * and that version is returned: setting what is already set makes no new version.
     *
     * @throws StoreConflict when other writers of the same application kept winning the race
     */
    public ConfigVersion change(String app, UnaryOperator<SortedMap<String, SortedMap<String, String>>> change, String summary,
            Instant now) {
        for (int attempt = 1; ; attempt++) {
            Optional<ConfigVersion> written = db.write(c -> {
                Optional<ConfigVersion> latest = latest(c, app);
                SortedMap<String, SortedMap<String, String>> next = normal(change.apply(
                        latest.map(ConfigVersion::profiles).orElseGet(TreeMap::new)));
                if (latest.isPresent() && latest.get().profiles().equals(next)) {
                    return latest;
                }
                int version = latest.map(v -> v.version() + 1).orElse(1);
                int inserted = Database.update(c, "INSERT INTO config_versions (app, version, properties, change, created_at)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", app, version, Rows.json(next), summary, now.toString());
                return inserted == 0 ? Optional.empty() : Optional.of(new ConfigVersion(app, version, next, summary, now));
            });
            if (written.isPresent()) {
                return written.get();
            }
            if (attempt == ATTEMPTS) {
                throw new StoreConflict("the configuration of " + app + " changed " + ATTEMPTS + " times while this change was"
                        + " being written; try again", 0, java.util.OptionalLong.empty());
            }
        }
    }

    public Optional<ConfigVersion> latest(String app) {
        return db.run(c -> latest(c, app));
    }

    public Optional<ConfigVersion> version(String app, int version) {
        return db.run(c -> Database.query(c, COLUMNS + " WHERE app = ? AND version = ?", ConfigLog::row, app, version)
                .stream().findFirst());
    }

    /** The versions of {@code app}, newest first, at most {@code limit}. */
    public List<ConfigVersion> history(String app, int limit) {
        return db.run(c -> Database.query(c, COLUMNS + " WHERE app = ? ORDER BY version DESC LIMIT ?", ConfigLog::row, app, limit));
    }

    /** The names of the applications that have configuration, sorted. */
    public List<String> apps() {
        return db.run(c -> Database.query(c, "SELECT DISTINCT app FROM config_versions ORDER BY app", rs -> rs.getString(1)));
    }

    private static Optional<ConfigVersion> latest(Connection c, String app) throws SQLException {
        return Database.query(c, COLUMNS + " WHERE app = ? ORDER BY version DESC LIMIT 1", ConfigLog::row, app).stream().findFirst();
    }

    /** Sorted copies, without empty profiles: two configurations with the same keys and values are equal. */
    private static SortedMap<String, SortedMap<String, String>> normal(SortedMap<String, SortedMap<String, String>> profiles) {
        SortedMap<String, SortedMap<String, String>> out = new TreeMap<>();
        profiles.forEach((profile, keys) -> {
            if (!keys.isEmpty()) {
                out.put(profile, java.util.Collections.unmodifiableSortedMap(new TreeMap<>(keys)));
            }
        });
        return java.util.Collections.unmodifiableSortedMap(out);
    }

    private static ConfigVersion row(ResultSet rs) throws SQLException {
        String app = rs.getString(1);
        SortedMap<String, SortedMap<String, String>> profiles;
        try {
            profiles = normal(new TreeMap<>(Json.mapper().readValue(rs.getString(3), PROFILES)));
        } catch (JsonProcessingException e) {
            // Only this class writes the column: the database was changed by hand.
            throw new PlatformFault("platform.store", "the stored configuration of " + app + " is unreadable: "
                    + e.getOriginalMessage(), e);
        }
        return new ConfigVersion(app, rs.getInt(2), profiles, rs.getString(4), Instant.parse(rs.getString(5)));
    }
}
