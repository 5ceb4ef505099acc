package dev.nubo.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Alert rules as users wrote them: the store checks nothing but the name's uniqueness, the
 * {@code metrics} module parses and evaluates them.
 *
 * <pre>{@code
 * store.alerts().put(new AlertRules.Rule("shop-errors", "shop", "error_rate > 5%", Duration.ofMinutes(1), "https://hooks.example/x", now));
 * store.alerts().all();            // by name
 * store.alerts().delete("shop-errors");
 * }</pre>
 */
public final class AlertRules {

    /** One rule: its {@code condition} holds for {@code hold} before it fires, and {@code target} hears of it. */
    public record Rule(String name, String service, String condition, Duration hold, String target, Instant createdAt) {}

    private final Database db;

    AlertRules(Database db) {
        this.db = db;
    }

    /** Creates the rule, or replaces the one of that name (keeping its creation time). */
    public void put(Rule r) {
        db.write(c -> Database.update(c, "INSERT INTO alert_rules (name, service, condition, hold_ms, notify, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET service = excluded.service,"
                        + " condition = excluded.condition, hold_ms = excluded.hold_ms, notify = excluded.notify",
                r.name(), r.service(), r.condition(), r.hold().toMillis(), r.target(), r.createdAt().toString()));
    }

    /** Whether a rule of that name existed. */
    public boolean delete(String name) {
        return db.write(c -> Database.update(c, "DELETE FROM alert_rules WHERE name = ?", name)) > 0;
    }

    /** Every rule, by name. */
    public List<Rule> all() {
        return db.run(c -> Database.query(c, "SELECT name, service, condition, hold_ms, notify, created_at FROM alert_rules ORDER BY name",
                AlertRules::rule));
    }

    private static Rule rule(ResultSet rs) throws SQLException {
        return new Rule(rs.getString(1), rs.getString(2), rs.getString(3), Duration.ofMillis(rs.getLong(4)), rs.getString(5),
                Instant.parse(rs.getString(6)));
    }
}
