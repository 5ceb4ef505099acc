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
 * "notify": "https://..."}} creates or replaces one; {@code DELETE /v1/alerts/:name} removes it.
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
        JsonNode body = EventsApi.jsonBody(ctx, "alert rule");
        String hold = field(body, "for").orElse("0s");
        Duration duration = Quantities.duration(hold).orElseThrow(() -> UserError.badRequest("alert.bad_for",
                "for: '" + hold + "' is not a duration", "pass a duration such as 1m, 30s or 0s"));
        AlertRules.Rule stored = new AlertRules.Rule(ctx.pathParam("name"), required(body, "service"), required(body, "when"), duration,
                required(body, "notify"), clock.instant());
        AlertRule rule = AlertRule.parse(stored);  // a 400 naming the field, before anything is stored
        store.alerts().put(stored);
        ControlApi.json(ctx, 200, rule(stored, rule, Optional.empty()));
    }

    /** Every stored rule with its state; one the evaluator has not reached yet is ok since its creation. */
    private List<Map<String, Object>> list() {
        Map<String, Alerting.Status> states = new java.util.HashMap<>();
        alerting.status().forEach(s -> states.put(s.rule().name(), s));
        return store.alerts().all().stream().map(stored -> {
            try {
                return rule(stored, AlertRule.parse(stored), Optional.ofNullable(states.get(stored.name())));
            } catch (UserError e) {  // stored by a newer server that knows more figures
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", stored.name());
                out.put("state", "invalid");
                out.put("error", e.getMessage());
                return out;
            }
        }).toList();
    }

    private static Map<String, Object> rule(AlertRules.Rule stored, AlertRule rule, Optional<Alerting.Status> status) {
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
        out.put("notifications", current.map(Alerting.Status::notifications).orElse(List.of()).stream().map(sent -> Map.of(
                "event", sent.notification().event(), "at", sent.notification().at().toString(), "value", sent.notification().value(),
                "outcome", sent.outcome(), "attempts", sent.attempts())).toList());
        return out;
    }

    private static Optional<String> field(JsonNode body, String name) {
        JsonNode v = body.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static String required(JsonNode body, String name) {
        return field(body, name).filter(s -> !s.isBlank()).orElseThrow(() -> UserError.badRequest("alert.missing_" + name,
                name + " is missing", "send {\"service\": \"shop\", \"when\": \"error_rate > 5%\", \"for\": \"1m\", \"notify\": \"https://...\"}"));
    }
}
