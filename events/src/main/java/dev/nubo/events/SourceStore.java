package dev.nubo.events;

import dev.nubo.eventsink.SourceState;
import dev.nubo.model.UserError;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sources' definitions and their durable memory, in the event log (beside, not inside, the
 * brokers and triggers of {@link Eventing}): what the server's sources need to come back after a
 * restart. What a source is (cron, webhook, Kafka) and what its spec says is the server's business.
 * Every call blocks on storage; keep them off event loops.
 *
 * <pre>{@code
 * SourceStore sources = SourceStore.in(log);
 * sources.create(new SourceRecord("nightly", "cron", "{\"to\":\"broker:default\",…}", now));
 * }</pre>
 */
public final class SourceStore {

    /** A source's stored definition: its kind, and its spec as that kind wrote it (JSON text). */
    public record SourceRecord(String name, String kind, String spec, Instant createdAt) {}

    private static final String COLUMNS = "SELECT name, kind, spec, created_at FROM sources";

    private final EventLog log;

    private SourceStore(EventLog log) {
        this.log = log;
    }

    /** The sources stored in {@code log}. */
    public static SourceStore in(EventLog log) {
        return new SourceStore(log);
    }

    /** @throws UserError 409 {@code source.exists} */
    public void create(SourceRecord source) {
        if (get(source.name()).isPresent()) {
            throw UserError.conflict("source.exists", "a source named " + source.name() + " already exists",
                    "pick another name, or `nubo source delete " + source.name() + "` first");
        }
        log.write(sql -> {
            var st = sql.get("INSERT INTO sources (name, kind, spec, created_at) VALUES (?, ?, ?, ?)");
            st.setString(1, source.name());
            st.setString(2, source.kind());
            st.setString(3, source.spec());
            st.setString(4, source.createdAt().toString());
            return st.executeUpdate();
        }).join();
    }

    /** By name. */
    public List<SourceRecord> all() {
        return log.read(sql -> {
            List<SourceRecord> all = new ArrayList<>();
            try (ResultSet rs = sql.get(COLUMNS + " ORDER BY name").executeQuery()) {
                while (rs.next()) {
                    all.add(record(rs));
                }
            }
            return all;
        });
    }

    public Optional<SourceRecord> get(String name) {
        return log.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE name = ?");
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(record(rs)) : Optional.<SourceRecord>empty();
            }
        });
    }

    private static SourceRecord record(ResultSet rs) throws java.sql.SQLException {
        return new SourceRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.parse(rs.getString(4)));
    }

    /** Deletes the source's definition and everything it remembered ({@code KIND/NAME/…} keys of its state). */
    public boolean delete(String name) {
        return log.write(sql -> {
            var st = sql.get("DELETE FROM sources WHERE name = ?");
            st.setString(1, name);
            int n = st.executeUpdate();
            var state = sql.get("DELETE FROM source_state WHERE key LIKE ?");
            state.setString(1, "%/" + name + "/%");
            state.executeUpdate();
            return n > 0;
        }).join();
    }

    /** The sources' durable memory: a value per key, such as when a cron schedule last fired. */
    public SourceState state() {
        return new SourceState() {
            @Override
            public Optional<String> get(String key) {
                return log.read(sql -> {
                    var st = sql.get("SELECT value FROM source_state WHERE key = ?");
                    st.setString(1, key);
                    try (ResultSet rs = st.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                    }
                });
            }

            @Override
            public void put(String key, String value) {
                log.write(sql -> {
                    var st = sql.get("INSERT INTO source_state (key, value) VALUES (?, ?)"
                            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
                    st.setString(1, key);
                    st.setString(2, value);
                    return st.executeUpdate();
                }).join();
            }
        };
    }
}
