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
        this.notifier = new AlertNotifier(sender, AlertNotifier.BACKOFF, sends, alerting::sent);
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
            notifier.notify(alerting.evaluate(clock.instant(), rules, samples()));
        } catch (RuntimeException e) {
            log.warn("alert rules could not be evaluated; they are tried again at the next interval", e);
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
