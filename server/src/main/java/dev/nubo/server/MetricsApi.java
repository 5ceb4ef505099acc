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
        metrics.triggers(() -> eventing.triggers().stream()
                .map(t -> new Metrics.TriggerCounts(t.trigger().name(), t.trigger().broker(), t.delivered(), t.deadLettered(), t.pending()))
                .toList());
    }

    void mount(Router router) {
        router.get("/metrics").blockingHandler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()), false);
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
                Map<String, Integer> byState = new TreeMap<>();
                int ready = 0;
                for (Instance i : reconciler.instances(service.name(), revision)) {
                    byState.merge(i.state().name(), 1, Integer::sum);
                    ready += i.state() == dev.nubo.instances.InstanceState.READY ? 1 : 0;
                }
                int desired = reconciler.scaling(revision).map(d -> d.desired()).orElse(ready);
                out.add(new Metrics.RevisionState(service.name(), revision, byState, gateway.load(revision).waiting(), desired, ready));
            }
        }
        return out;
    }
}
