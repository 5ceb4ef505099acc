package dev.nubo.server;

import dev.nubo.eventsink.Destination;
import dev.nubo.events.Eventing;
import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.metrics.AlertNotifier;
import dev.nubo.metrics.AlertRule;
import dev.nubo.metrics.AlertSample;
import dev.nubo.metrics.Alerting;
import dev.nubo.metrics.Metrics;
import dev.nubo.model.UserError;
import dev.nubo.store.AlertRules;
import dev.nubo.store.Store;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the stored alert rules every {@code every}: reads every service's running totals (the
 * gateway's meters, eventing's dead letters, the instances' restarts), hands them to {@link Alerting}
 * and the notifications it returns to an {@link AlertNotifier}, whose sends run on their own thread
 * so a slow webhook never delays the next evaluation. Rules are read from the store on each pass, so
 * a rule set through the API (on any node) is evaluated at the next one. Each node evaluates the
 * figures of its own gateway and instances.
 *
 * <p>Rule states are kept in the store as they move, and notifications as they are sent; the first
 * evaluation after a start takes the states up again for rules unchanged since, so a firing rule
 * stays firing across a restart (nodes of a cluster each write theirs: the last one wins).
 */
final class AlertLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertLoop.class);

    private final Alerting alerting = new Alerting();
    private final Store store;
    private final Metrics metrics;
    private final ServiceRecords records;
    private final Reconciler reconciler;
    private final Eventing eventing;
    private final InstantSource clock;
    private final AlertNotifier notifier;
    private final Map<String, String> saved = new HashMap<>();  // state and since last kept in the store, by rule; evaluator thread only
    private boolean restored;  // the store's states taken up (at the first evaluation)
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nubo-alerts").daemon().factory());
    private final ScheduledExecutorService sends = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("nubo-alert-notify").daemon().factory());

    AlertLoop(Duration every, Store store, Metrics metrics, ServiceRecords records, Reconciler reconciler, Eventing eventing,
              AlertNotifier.Sender sender, InstantSource clock) {
        this.store = store;
        this.metrics = metrics;
        this.records = records;
        this.reconciler = reconciler;
        this.eventing = eventing;
        this.clock = clock;
        this.notifier = new AlertNotifier(sender, AlertNotifier.BACKOFF, sends, this::sent);
        timer.scheduleWithFixedDelay(this::evaluateQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    Alerting alerting() {
        return alerting;
    }

    private void evaluateQuietly() {
        try {
            List<AlertRule> rules = new ArrayList<>();
            for (var stored : store.alerts().all()) {
                try {
                    rules.add(AlertRule.parse(stored));
                } catch (UserError e) {
                    log.warn("alert rule {} is skipped: {}", stored.name(), e.getMessage());
                }
            }
            if (!restored) {
                restore(rules);
            }
            notifier.notify(alerting.evaluate(clock.instant(), rules, samples()));
            save();
        } catch (RuntimeException e) {
            log.warn("alert rules could not be evaluated; they are tried again at the next interval", e);
        }
    }

    /** Takes up the states the store kept of rules unchanged since (a restart keeps a firing rule firing). */
    private void restore(List<AlertRule> rules) {
        Map<String, AlertRules.State> kept = new HashMap<>();
        store.alerts().states().forEach(st -> kept.put(st.name(), st));
        Map<String, AlertRules.Rule> stored = new HashMap<>();
        store.alerts().all().forEach(r -> stored.put(r.name(), r));
        for (AlertRule rule : rules) {
            AlertRules.State st = kept.get(rule.name());
            AlertRules.Rule text = stored.get(rule.name());
            if (st != null && text != null && st.ruleText().equals(text.text())) {
                alerting.restore(rule, Alerting.State.valueOf(st.state()), st.since(), st.value());
                saved.put(rule.name(), st.state() + " " + st.since());
            }
        }
        restored = true;
    }

    /** Keeps every rule whose state moved since the last evaluation. */
    private void save() {
        Map<String, AlertRules.Rule> stored = new HashMap<>();
        store.alerts().all().forEach(r -> stored.put(r.name(), r));
        for (Alerting.Status s : alerting.status()) {
            String key = s.state() + " " + s.since();
            AlertRules.Rule text = stored.get(s.rule().name());
            if (text != null && !key.equals(saved.get(s.rule().name()))) {
                store.alerts().saveState(new AlertRules.State(s.rule().name(), text.text(), s.state().name(), s.since(), s.value()));
                saved.put(s.rule().name(), key);
            }
        }
        saved.keySet().retainAll(stored.keySet());
    }

    /** How a notification went: for listings now, and in the store for after a restart. */
    private void sent(Alerting.Sent sent) {
        alerting.sent(sent);
        var n = sent.notification();
        try {
            store.alerts().addNotice(new AlertRules.Notice(n.rule().name(), n.at(), n.event(), n.value(), sent.outcome(), sent.attempts()));
        } catch (RuntimeException e) {
            log.warn("the notification of alert {} could not be kept in the store; `nubo alerts` shows it until a restart", n.rule().name(), e);
        }
    }

    /** Every service's totals now: the gateway's, with its triggers' dead letters and its instances' restarts added. */
    private Map<String, AlertSample> samples() {
        Map<String, AlertSample> gatewayTotals = metrics.alertSamples();
        Map<String, Long> deadLetters = new HashMap<>();
        for (var t : eventing.triggers()) {
            if (t.trigger().to() instanceof Destination.Service s) {
                deadLetters.merge(s.name(), t.deadLettered(), Long::sum);
            }
        }
        Map<String, AlertSample> out = new HashMap<>();
        for (var service : records.services()) {
            String name = service.name();
            long restarts = 0;
            int backingOff = 0;
            for (Instance i : reconciler.instances(name)) {
                restarts += i.restarts();
                backingOff += i.state() == InstanceState.BACKOFF ? 1 : 0;
            }
            out.put(name, gatewayTotals.getOrDefault(name, AlertSample.empty(name)).with(deadLetters.getOrDefault(name, 0L), restarts, backingOff));
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sends.shutdownNow();
    }
}
