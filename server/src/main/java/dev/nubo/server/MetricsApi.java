package dev.nubo.server;

import dev.nubo.events.Eventing;
import dev.nubo.gateway.Gateway;
import dev.nubo.instances.Instance;
import dev.nubo.metrics.Metrics;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /metrics}: Prometheus's text format, on the control API's address and behind its bearer
 * token like the rest of it (Prometheus sends it with {@code authorization: credentials_file:
 * NUBO_HOME/admin.token}). What the control plane knows is read here, at scrape time, from memory:
 * the routed revisions' instances, holds and scaling, and eventing's trigger counts.
 *
 * <p>{@code GET /v1/services/:name/metrics}: the same figures of one service as JSON, for the web
 * console's live charts, so that no browser parses Prometheus's text. Running totals, not rates: the
 * reader takes differences between two reads (as {@code nubo top} does between scrapes), and the
 * server keeps no state per viewer.
 */
final class MetricsApi {

    private final Metrics metrics;
    private final ServiceRecords records;
    private final Reconciler reconciler;
    private final Gateway gateway;

    MetricsApi(Metrics metrics, ServiceRecords records, Reconciler reconciler, Gateway gateway, Eventing eventing,
               dev.nubo.store.WorkflowLog workflows) {
        this.metrics = metrics;
        this.records = records;
        this.reconciler = reconciler;
        this.gateway = gateway;
        metrics.fleet(this::fleet);
        metrics.processes(this::processes);
        metrics.executions(workflows::statusCounts);
        metrics.limits(this::limits);
        metrics.resilience(this::resilience);
        metrics.triggers(() -> eventing.triggers().stream()
                .map(t -> new Metrics.TriggerCounts(t.trigger().name(), t.trigger().broker(), t.delivered(), t.deadLettered(), t.pending()))
                .toList());
        metrics.events(() -> new Metrics.EventCounts(eventing.ingested(), eventing.retried()));
    }

    void mount(Router router) {
        router.get("/metrics").blockingHandler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()), false);
        router.get("/v1/services/:name/metrics").blockingHandler(ctx -> ControlApi.json(ctx, 200, live(ctx.pathParam("name"))), false);
    }

    /** Per routed revision of a service: the gateway's totals and its instances, desired and held now. */
    private Map<String, Object> live(String name) {
        if (records.of(name).service().isEmpty()) {
            throw NotFound.service(name);
        }
        List<Map<String, Object>> revisions = new ArrayList<>();
        for (String revision : reconciler.plan(name).routed()) {
            Metrics.RevisionState now = state(name, revision);
            var totals = metrics.totals(revision).orElse(new Metrics.RevisionTotals(Map.of(), 0, List.of(), 0));
            Map<String, Integer> instances = new TreeMap<>();
            now.instances().forEach((state, count) -> instances.put(state.toLowerCase(java.util.Locale.ROOT), count));
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("revision", revision);
            row.put("requests", totals.requests());
            row.put("answered", totals.answered());
            row.put("latency", totals.latency());
            row.put("coldStarts", totals.coldStarts());
            row.put("instances", instances);
            row.put("desired", now.desired());
            row.put("held", now.waiting());
            revisions.add(row);
        }
        return Map.of("service", name, "revisions", revisions);
    }

    /** CPU and resident memory of every live instance process of a routed revision, read from /proc now. */
    private List<Metrics.InstanceUsage> processes() {
        List<Metrics.InstanceUsage> out = new ArrayList<>();
        for (var service : records.services()) {
            for (String revision : reconciler.plan(service.name()).routed()) {
                for (Instance i : reconciler.instances(service.name(), revision)) {
                    if (i.pid().isPresent()) {
                        long pid = i.pid().getAsLong();
                        var cpuMs = UsageSampler.cpuMs(pid);
                        var rss = UsageSampler.rssBytes(pid);
                        if (cpuMs.isPresent() && rss.isPresent()) {
                            out.add(new Metrics.InstanceUsage(service.name(), revision, i.id(), cpuMs.getAsLong() / 1000.0, rss.getAsLong()));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** What each service's limits refused so far, per limit it sets. */
    private List<Metrics.LimitRefusals> limits() {
        List<Metrics.LimitRefusals> out = new ArrayList<>();
        for (var service : records.services()) {
            gateway.limits(service.name()).ifPresent(f -> {
                refusals(service.name(), "", f, out);
                f.paths().forEach((key, p) -> refusals(service.name(), " on " + key, p, out));
            });
        }
        return out;
    }

    /** {@code rate} and {@code concurrency}, or for a {@code limits.paths} entry {@code rate on /search}. */
    private static void refusals(String service, String suffix, dev.nubo.gateway.LimitFigures f, List<Metrics.LimitRefusals> out) {
        if (f.limits().rate() > 0) {
            out.add(new Metrics.LimitRefusals(service, "rate" + suffix, f.overRateTotal()));
        }
        if (f.limits().concurrency() > 0) {
            out.add(new Metrics.LimitRefusals(service, "concurrency" + suffix, f.overConcurrencyTotal()));
        }
    }

    /** Each service's breaker and ejections, for services that set {@code resilience:}. */
    private List<Metrics.ResilienceState> resilience() {
        List<Metrics.ResilienceState> out = new ArrayList<>();
        for (var service : records.services()) {
            gateway.resilience(service.name()).ifPresent(f -> out.add(new Metrics.ResilienceState(service.name(), f.breaker().state(),
                    f.breaker().opened(), f.breaker().refusedTotal(), f.ejected().size(), f.ejectionsTotal(),
                    f.retries(), f.retriesOverBudget())));
        }
        return out;
    }

    /** Every routed revision of every service, as a scrape sees it now. */
    private List<Metrics.RevisionState> fleet() {
        long read = System.nanoTime();
        records.catchUp();
        java.util.Set<String> existing = new java.util.HashSet<>();
        records.services().forEach(s -> records.of(s.name()).revisions().forEach(r -> existing.add(r.id())));
        metrics.retainOnly(existing, read);
        List<Metrics.RevisionState> out = new ArrayList<>();
        for (var service : records.services()) {
            for (String revision : reconciler.plan(service.name()).routed()) {
                out.add(state(service.name(), revision));
            }
        }
        return out;
    }

    /** A routed revision's instances by state, what the autoscaler asks for, and the requests held now. */
    private Metrics.RevisionState state(String service, String revision) {
        Map<String, Integer> byState = new TreeMap<>();
        int ready = 0;
        for (Instance i : reconciler.instances(service, revision)) {
            byState.merge(i.state().name(), 1, Integer::sum);
            ready += i.state() == dev.nubo.instances.InstanceState.READY ? 1 : 0;
        }
        int desired = reconciler.scaling(revision).map(d -> d.desired()).orElse(ready);
        return new Metrics.RevisionState(service, revision, byState, gateway.load(revision).waiting(), desired, ready);
    }
}
