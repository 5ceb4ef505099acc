package dev.nubo.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
    public record Rule(String name, String service, String condition, Duration hold, String target, Instant createdAt) {

        /** What the rule says, without its name and creation time: a state kept for one text is not another's. */
        public String text() {
            return service + " | " + condition + " | " + hold.toMillis() + "ms | " + target;
        }
    }

    /** Where a rule's evaluation stands: {@code state} ({@code OK}, {@code PENDING}, {@code FIRING}) reached at {@code since} by the rule of {@code ruleText}. */
    public record State(String name, String ruleText, String state, Instant since, Optional<String> value) {}

    /** One notification a rule sent ({@code firing} or {@code resolved}) and how it went. */
    public record Notice(String name, Instant at, String event, String value, String outcome, int attempts) {}

    /** How many notifications are kept per rule. */
    public static final int KEPT_NOTICES = 5;

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

    /** Whether a rule of that name existed; its state and notifications go with it. */
    public boolean delete(String name) {
        return db.write(c -> {
            Database.update(c, "DELETE FROM alert_states WHERE name = ?", name);
            Database.update(c, "DELETE FROM alert_notifications WHERE name = ?", name);
            return Database.update(c, "DELETE FROM alert_rules WHERE name = ?", name);
        }) > 0;
    }

    /** Keeps where a rule's evaluation stands, replacing what was kept. */
    public void saveState(State s) {
        db.write(c -> Database.update(c, "INSERT INTO alert_states (name, rule, state, since, value) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, state = excluded.state, since = excluded.since, value = excluded.value",
                s.name(), s.ruleText(), s.state(), s.since().toString(), s.value().orElse(null)));
    }

    /** Every kept state, by name. */
    public List<State> states() {
        return db.run(c -> Database.query(c, "SELECT name, rule, state, since, value FROM alert_states ORDER BY name",
                rs -> new State(rs.getString(1), rs.getString(2), rs.getString(3), Instant.parse(rs.getString(4)),
                        Optional.ofNullable(rs.getString(5)))));
    }

    /** Keeps a notification, and only the newest {@link #KEPT_NOTICES} of its rule. */
    public void addNotice(Notice n) {
        db.write(c -> {
            Database.update(c, "INSERT INTO alert_notifications (name, at, event, value, outcome, attempts) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (name, at, event) DO UPDATE SET outcome = excluded.outcome, attempts = excluded.attempts",
                    n.name(), n.at().toString(), n.event(), n.value(), n.outcome(), n.attempts());
            return Database.update(c, "DELETE FROM alert_notifications WHERE name = ? AND at NOT IN"
                    + " (SELECT at FROM alert_notifications WHERE name = ? ORDER BY at DESC LIMIT " + KEPT_NOTICES + ")", n.name(), n.name());
        });
    }

    /** A rule's kept notifications, newest first. */
    public List<Notice> notices(String name) {
        return db.run(c -> Database.query(c, "SELECT name, at, event, value, outcome, attempts FROM alert_notifications WHERE name = ?"
                        + " ORDER BY at DESC, event", rs -> new Notice(rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getInt(6)), name));
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
