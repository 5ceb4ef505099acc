package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.metrics.AlertRule;
import dev.nubo.metrics.Alerting;
import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import dev.nubo.store.AlertRules;
import dev.nubo.store.Store;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alert rules and their state (docs/OBSERVABILITY.md, "Alerts"): {@code GET /v1/alerts} lists every
 * rule with its state, since when, its figure at the last evaluation and its last notifications;
 * {@code PUT /v1/alerts/:name} with {@code {"service": "shop", "when": "error_rate > 5%", "for": "1m",
 * "notify": "https://..."}} creates or replaces one; {@code DELETE /v1/alerts/:name} removes it;
 * {@code PUT /v1/alerts} sets the whole set at once (a rules file).
 */
final class AlertsApi {

    private final Store store;
    private final Alerting alerting;
    private final InstantSource clock;

    AlertsApi(Store store, Alerting alerting, InstantSource clock) {
        this.store = store;
        this.alerting = alerting;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/v1/alerts").blockingHandler(ctx -> ControlApi.json(ctx, 200, Map.of("alerts", list())), false);
        router.put("/v1/alerts").handler(BodyHandler.create().setBodyLimit(1 << 20)).blockingHandler(this::apply, false);
        router.put("/v1/alerts/:name").handler(BodyHandler.create().setBodyLimit(64 << 10)).blockingHandler(this::put, false);
        router.delete("/v1/alerts/:name").blockingHandler(ctx -> {
            String name = ctx.pathParam("name");
            if (!store.alerts().delete(name)) {
                throw UserError.notFound("alert.not_found", "no alert rule named " + name, "list them with `nubo alerts`");
            }
            ControlApi.json(ctx, 200, Map.of("deleted", name));
        }, false);
    }

    private void put(RoutingContext ctx) {
        AlertRules.Rule stored = stored(ctx.pathParam("name"), EventsApi.jsonBody(ctx, "alert rule"));
        AlertRule rule = AlertRule.parse(stored);  // a 400 naming the field, before anything is stored
        store.alerts().put(stored);
        ControlApi.json(ctx, 200, rule(stored, rule, Optional.empty(), List.of()));
    }

    /**
     * The whole set of rules ({@code nubo alert apply -f alerts.yaml}): {@code {"alerts": [{"name", "service",
     * "when", "for", "notify"}, ...]}}. Every rule is checked before anything is stored (a 400 names the
     * rule and the field); then each is created or replaced (an unchanged one keeps its state) and every
     * stored rule the set leaves out is deleted.
     */
    private void apply(RoutingContext ctx) {
        JsonNode body = EventsApi.jsonBody(ctx, "alert rules");
        JsonNode list = body.path("alerts");
        if (!list.isArray()) {
            throw UserError.badRequest("alert.bad_file", "alerts: missing, or not a list of rules",
                    "write alerts: as a list of rules, each with name, service, when, for and notify");
        }
        List<AlertRules.Rule> rules = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String where = "alerts[" + i + "]" + field(item, "name").map(n -> " (" + n + ")").orElse("");
            try {
                AlertRules.Rule rule = stored(field(item, "name").filter(n -> !n.isBlank()).orElseThrow(() -> missing("name")), item);
                AlertRule.parse(rule);
                if (!names.add(rule.name())) {
                    throw UserError.badRequest("alert.duplicate", "name: " + rule.name() + " is already a rule above", "give each rule its own name");
                }
                rules.add(rule);
            } catch (UserError e) {
                throw UserError.badRequest(e.code(), where + ": " + e.getMessage(), e.hint());
            }
        }
        Map<String, AlertRules.Rule> before = new java.util.HashMap<>();
        store.alerts().all().forEach(r -> before.put(r.name(), r));
        List<String> changed = new java.util.ArrayList<>();
        for (AlertRules.Rule r : rules) {
            AlertRules.Rule old = before.get(r.name());
            if (old == null || !old.text().equals(r.text())) {
                store.alerts().put(r);
                changed.add(r.name());
            }
        }
        List<String> deleted = before.keySet().stream().filter(n -> !names.contains(n)).sorted().toList();
        deleted.forEach(store.alerts()::delete);
        ControlApi.json(ctx, 200, Map.of("rules", rules.stream().map(AlertRules.Rule::name).toList(), "changed", changed, "deleted", deleted));
    }

    /** A rule from JSON fields: {@code service}, {@code when}, {@code for} (default 0s), {@code notify}. */
    private AlertRules.Rule stored(String name, JsonNode body) {
        String hold = field(body, "for").orElse("0s");
        Duration duration = Quantities.duration(hold).orElseThrow(() -> UserError.badRequest("alert.bad_for",
                "for: '" + hold + "' is not a duration", "pass a duration such as 1m, 30s or 0s"));
        return new AlertRules.Rule(name, required(body, "service"), required(body, "when"), duration, required(body, "notify"), clock.instant());
    }

    /** Every stored rule with its state; one the evaluator has not reached yet is ok since its creation. */
    private List<Map<String, Object>> list() {
        Map<String, Alerting.Status> states = new java.util.HashMap<>();
        alerting.status().forEach(s -> states.put(s.rule().name(), s));
        Map<String, AlertRules.State> kept = new java.util.HashMap<>();
        store.alerts().states().forEach(s -> kept.put(s.name(), s));
        return store.alerts().all().stream().map(stored -> {
            try {
                AlertRule parsed = AlertRule.parse(stored);
                Optional<Alerting.Status> status = Optional.ofNullable(states.get(stored.name())).filter(s -> s.rule().equals(parsed))
                        .or(() -> Optional.ofNullable(kept.get(stored.name())).filter(k -> k.ruleText().equals(stored.text()))
                                .map(k -> new Alerting.Status(parsed, Alerting.State.valueOf(k.state()), k.since(), k.value(), List.of())));
                return rule(stored, parsed, status, store.alerts().notices(stored.name()));
            } catch (UserError e) {  // stored by a newer server that knows more figures
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", stored.name());
                out.put("state", "invalid");
                out.put("error", e.getMessage());
                return out;
            }
        }).toList();
    }

    private static Map<String, Object> rule(AlertRules.Rule stored, AlertRule rule, Optional<Alerting.Status> status,
                                            List<AlertRules.Notice> notices) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", rule.name());
        out.put("service", rule.service());
        out.put("when", rule.condition());
        out.put("for", Quantities.formatDuration(rule.hold()));
        out.put("notify", stored.target());
        Optional<Alerting.Status> current = status.filter(s -> s.rule().equals(rule));
        out.put("state", current.map(s -> s.state().name().toLowerCase(java.util.Locale.ROOT)).orElse("ok"));
        out.put("since", current.map(s -> s.since()).orElse(stored.createdAt()).toString());
        current.flatMap(Alerting.Status::value).ifPresent(v -> out.put("value", v));
        out.put("notifications", notices.stream().map(n -> Map.of("event", n.event(), "at", n.at().toString(), "value", n.value(),
                "outcome", n.outcome(), "attempts", n.attempts())).toList());
        return out;
    }

    private static Optional<String> field(JsonNode body, String name) {
        JsonNode v = body.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static String required(JsonNode body, String name) {
        return field(body, name).filter(s -> !s.isBlank()).orElseThrow(() -> missing(name));
    }

    private static UserError missing(String name) {
        return UserError.badRequest("alert.missing_" + name, name + " is missing",
                "send {\"service\": \"shop\", \"when\": \"error_rate > 5%\", \"for\": \"1m\", \"notify\": \"https://...\"}");
    }
}
