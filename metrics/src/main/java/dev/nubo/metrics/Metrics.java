package dev.nubo.metrics;

import dev.nubo.gateway.Meters;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Nubo's Prometheus metrics: what the gateway measures per revision ({@link #gateway()}), what the
 * control plane knows at the moment of a scrape ({@link #fleet}, {@link #triggers}), instance starts
 * ({@link #instanceStarted}), and the server's own JVM. {@link #scrape()} renders the text format.
 *
 * <pre>{@code
 * Metrics metrics = Metrics.create();
 * gateway.meters(metrics.gateway());           // before the first route table
 * metrics.fleet(() -> List.of(new Metrics.RevisionState("hello", "hello-00001", Map.of("READY", 2), 0, 2, 2)));
 * String text = metrics.scrape();              // GET /metrics
 * }</pre>
 *
 * <p>Gauges of the control plane are read at scrape time, not kept up to date on every change: a
 * scrape every 15 s costs one pass over the revisions, while a gauge per change would cost the
 * reconciler on its hot path.
 */
public final class Metrics implements AutoCloseable {

    /**
     * One routed revision as the control plane sees it at the moment of a scrape.
     *
     * @param instances instances by state name ({@code STARTING}, {@code READY}, ...)
     * @param waiting requests held in the gateway now
     * @param desired what the autoscaler asks for
     * @param ready instances ready now: the actual
     */
    public record RevisionState(String service, String revision, Map<String, Integer> instances, int waiting, int desired, int ready) {}

    /**
     * One live instance's process as the kernel reports it at the moment of a scrape.
     *
     * @param cpuSeconds user + system CPU time of the process so far
     * @param rssBytes its resident memory now
     */
    public record InstanceUsage(String service, String revision, String instance, double cpuSeconds, long rssBytes) {}

    /**
     * One revision's running totals at the gateway since it was first routed (or the server started):
     * what a live view takes the differences of between two reads, as {@code nubo top} does with scrapes.
     *
     * @param requests answered requests by status class ({@code 2xx}, {@code 5xx}, ...), classes seen so far
     * @param answered every answered request: the latency histogram's count
     * @param latency requests answered within each bucket's bound (cumulative, as Prometheus's {@code le})
     * @param coldStarts requests that arrived while the revision had no ready instance
     */
    public record RevisionTotals(Map<String, Long> requests, long answered, List<Bucket> latency, long coldStarts) {}

    /** A latency bucket: {@code count} requests answered in at most {@code le} seconds. */
    public record Bucket(double le, long count) {}

    /** One trigger's delivery counts: running totals kept by eventing, and what waits now. */
    public record TriggerCounts(String trigger, String broker, long delivered, long deadLettered, int pending) {}

    /**
     * How many requests a service's limit refused since the limit was set ({@code limit} is {@code rate}
     * for 429s, {@code concurrency} for 503s); a change of limits starts the count again, which
     * Prometheus reads as a counter reset.
     */
    public record LimitRefusals(String service, String limit, long refused) {}

    /**
     * A service's {@code resilience:} as the gateway applies it: the breaker's state ({@code closed},
     * {@code open}, {@code half-open}, or {@code none} without a breaker), how often it opened and how
     * many requests it answered in the service's place, instances ejected now and in all, and the
     * retries sent to another instance and refused by the budget.
     */
    public record ResilienceState(String service, String breaker, long opened, long refused, int ejected, long ejections,
                                  long retries, long retriesOverBudget) {}

    /** Events accepted per broker and retried deliveries per trigger, counted by this server since it started. */
    public record EventCounts(Map<String, Long> ingested, Map<String, Long> retried) {}

    private final PrometheusMeterRegistry registry;
    private final GatewayMeters gateway;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final MultiGauge instances;
    private final MultiGauge waiting;
    private final MultiGauge desired;
    private final MultiGauge actual;
    private final MultiGauge delivered;
    private final MultiGauge deadLettered;
    private final MultiGauge pending;
    private volatile Supplier<List<RevisionState>> fleet = List::of;
    private volatile Supplier<List<TriggerCounts>> triggers = List::of;
    private volatile Supplier<List<LimitRefusals>> limits = List::of;
    private volatile Supplier<List<ResilienceState>> resilience = List::of;
    private final ResilienceMeters resilienceMeters;
    // Counters whose totals live elsewhere (the gateway's refusals, eventing's counts), by name and tags.
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> counters =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Supplier<EventCounts> eventCounts = () -> new EventCounts(Map.of(), Map.of());
    private volatile Supplier<Map<String, Map<String, Long>>> workflowCounts = Map::of;
    private volatile Supplier<List<InstanceUsage>> processes = List::of;
    private volatile Supplier<List<dev.nubo.store.WorkflowLog.StatusCount>> executions = List::of;
    private final MultiGauge workflowExecutions;
    private final MultiGauge cpu;
    private final MultiGauge rss;

    private Metrics() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Names promtool's lint refuses (_ns_total; _count on a gauge); process_cpu_usage and the JVM's own info say the same.
        registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        gateway = new GatewayMeters(registry);
        resilienceMeters = new ResilienceMeters(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        instances = MultiGauge.builder("nubo.instances").description("Instances by state, per revision").register(registry);
        waiting = MultiGauge.builder("nubo.gateway.hold.queue").description("Requests held in the gateway now, per revision").register(registry);
        desired = MultiGauge.builder("nubo.autoscaler.desired.instances").description("Instances the autoscaler asks for").register(registry);
        actual = MultiGauge.builder("nubo.autoscaler.actual.instances").description("Instances ready now").register(registry);
        delivered = MultiGauge.builder("nubo.events.delivered").description("Events delivered by a trigger since it was created").register(registry);
        deadLettered = MultiGauge.builder("nubo.events.dead.lettered").description("Events a trigger gave up on, kept as dead letters").register(registry);
        cpu = MultiGauge.builder("nubo.instance.cpu").baseUnit("seconds").description("CPU time of an instance's process so far (user + system)").register(registry);
        rss = MultiGauge.builder("nubo.instance.memory.rss").baseUnit("bytes").description("Resident memory of an instance's process now").register(registry);
        workflowExecutions = MultiGauge.builder("nubo.workflow.executions").description("Workflow executions kept in the store, by status").register(registry);
        pending = MultiGauge.builder("nubo.events.pending").description("Events waiting for a trigger's delivery now").register(registry);
    }

    /** A registry with the JVM's meters bound; the gateway's and the control plane's come as they are wired. */
    public static Metrics create() {
        return new Metrics();
    }

    /** What to hand {@code Gateway.meters}: per-revision request counts, latency, holds, cold starts and bytes. */
    public Meters gateway() {
        return gateway;
    }

    /** Where a scrape reads the routed revisions' instances, holds and scaling from. Called on the scraping thread. */
    public void fleet(Supplier<List<RevisionState>> source) {
        this.fleet = source;
    }

    /**
     * Forgets the per-request meters of revisions not in {@code existing} (every stored revision of
     * every service, routed or not, as read starting at {@code readSinceNanos}, a {@link System#nanoTime()}):
     * meters made after that moment are kept, since their revision may be newer than the read.
     */
    public void retainOnly(java.util.Set<String> existing, long readSinceNanos) {
        gateway.retainOnly(existing, readSinceNanos);
    }

    /** Where a scrape reads the workflow executions per status from. */
    public void executions(Supplier<List<dev.nubo.store.WorkflowLog.StatusCount>> source) {
        this.executions = source;
    }

    /** Where a scrape reads the instances' CPU and memory from. */
    public void processes(Supplier<List<InstanceUsage>> source) {
        this.processes = source;
    }

    /** Where a scrape reads eventing's trigger counts from. */
    public void triggers(Supplier<List<TriggerCounts>> source) {
        this.triggers = source;
    }

    /** Where a scrape reads the gateway's refusals by service limit from. */
    public void limits(Supplier<List<LimitRefusals>> source) {
        this.limits = source;
    }

    /** Where a scrape reads the gateway's circuit breakers and ejections from. */
    public void resilience(Supplier<List<ResilienceState>> source) {
        this.resilience = source;
    }

    /**
     * An instance became ready {@code took} after its launch: a cold start's launch phase when the
     * revision was at zero, a scale-up otherwise. {@code pooled}: it specialised a prewarmed process.
     */
    public void instanceStarted(String service, String revision, Duration took, boolean pooled) {
        GatewayMeters.timer(registry, "nubo.instance.start.duration", "From an instance's launch to its readiness",
                Tags.of("service", service, "revision", revision, "pooled", String.valueOf(pooled))).record(took);
    }

    /** A counter whose running total is read elsewhere and handed in at each scrape. */
    private void counter(String name, String description, Tags tags, long total) {
        counters.computeIfAbsent(name + tags, k -> {
            java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();
            io.micrometer.core.instrument.FunctionCounter.builder(name, value, java.util.concurrent.atomic.AtomicLong::get)
                    .description(description).tags(tags).register(registry);
            return value;
        }).set(total);
    }

    /** Where a scrape reads eventing's node-local counts (events ingested per broker, retries per trigger) from. */
    public void events(Supplier<EventCounts> source) {
        this.eventCounts = source;
    }

    /**
     * Where a scrape reads workflow executions started and ended on this server from: workflow → {@code started},
     * {@code succeeded}, {@code failed}, {@code timed_out}, {@code aborted} → total since the server started.
     */
    public void workflows(Supplier<Map<String, Map<String, Long>>> source) {
        this.workflowCounts = source;
    }

    /** A workflow run left a state of {@code type} (Task, Choice, Map…) after {@code took}. */
    public void workflowState(String workflow, String type, Duration took) {
        GatewayMeters.timer(registry, "nubo.workflow.state.duration", "From a workflow run entering a state to leaving it",
                Tags.of("workflow", workflow, "type", type)).record(took);
    }

    /** The Prometheus text format (0.0.4) of every meter, with the control plane's gauges read now. */
    public String scrape() {
        List<RevisionState> revisions = fleet.get();
        List<MultiGauge.Row<?>> byState = new ArrayList<>();
        List<MultiGauge.Row<?>> held = new ArrayList<>();
        List<MultiGauge.Row<?>> wanted = new ArrayList<>();
        List<MultiGauge.Row<?>> ready = new ArrayList<>();
        for (RevisionState r : revisions) {
            Tags tags = Tags.of("service", r.service(), "revision", r.revision());
            r.instances().forEach((state, count) -> byState.add(MultiGauge.Row.of(tags.and("state", state.toLowerCase(java.util.Locale.ROOT)), count)));
            held.add(MultiGauge.Row.of(tags, r.waiting()));
            wanted.add(MultiGauge.Row.of(tags, r.desired()));
            ready.add(MultiGauge.Row.of(tags, r.ready()));
        }
        instances.register(byState, true);
        waiting.register(held, true);
        desired.register(wanted, true);
        actual.register(ready, true);
        List<InstanceUsage> usage = processes.get();
        cpu.register(usage.stream().map(u -> (MultiGauge.Row<?>) MultiGauge.Row.of(instanceTags(u), u.cpuSeconds())).toList(), true);
        rss.register(usage.stream().map(u -> (MultiGauge.Row<?>) MultiGauge.Row.of(instanceTags(u), u.rssBytes())).toList(), true);
        workflowExecutions.register(executions.get().stream().map(e -> (MultiGauge.Row<?>) MultiGauge.Row.of(
                Tags.of("workflow", e.workflow(), "status", e.status().toLowerCase(java.util.Locale.ROOT)), e.executions())).toList(), true);
        List<TriggerCounts> counts = triggers.get();
        delivered.register(counts.stream().map(t -> (MultiGauge.Row<?>) MultiGauge.Row.of(triggerTags(t), t.delivered())).toList(), true);
        deadLettered.register(counts.stream().map(t -> (MultiGauge.Row<?>) MultiGauge.Row.of(triggerTags(t), t.deadLettered())).toList(), true);
        pending.register(counts.stream().map(t -> (MultiGauge.Row<?>) MultiGauge.Row.of(triggerTags(t), t.pending())).toList(), true);
        for (LimitRefusals l : limits.get()) {
            counter("nubo.gateway.limit.refused", "Requests a service's limits refused: 429 over the rate, 503 over the concurrency",
                    Tags.of("service", l.service(), "limit", l.limit()), l.refused());
        }
        resilienceMeters.update(resilience.get());
        EventCounts events = eventCounts.get();
        events.ingested().forEach((broker, n) -> counter("nubo.events.ingested",
                "Events accepted into a broker through its ingest endpoint on this server since it started", Tags.of("broker", broker), n));
        events.retried().forEach((trigger, n) -> counter("nubo.events.retried",
                "Failed deliveries of a trigger that are tried again, on this server since it started", Tags.of("trigger", trigger), n));
        workflowCounts.get().forEach((workflow, totals) -> totals.forEach((what, n) -> {
            if (what.equals("started")) {
                counter("nubo.workflow.executions.started", "Workflow executions started on this server since it started",
                        Tags.of("workflow", workflow), n);
            } else {
                counter("nubo.workflow.executions.ended", "Workflow executions that ended on this server since it started, by final status",
                        Tags.of("workflow", workflow, "status", what), n);
            }
        }));
        return registry.scrape();
    }

    private static Tags instanceTags(InstanceUsage u) {
        return Tags.of("service", u.service(), "revision", u.revision(), "instance", u.instance());
    }

    private static Tags triggerTags(TriggerCounts t) {
        return Tags.of("trigger", t.trigger(), "broker", t.broker());
    }

    /** The gateway's totals of a revision, if it was ever routed; read from the meters a scrape renders. */
    public java.util.Optional<RevisionTotals> totals(String revision) {
        return gateway.of(revision).map(GatewayMeters.Revision::totals);
    }

    /** Every revision the gateway has routed, with its running totals since the server started: what metering samples. */
    public List<Metering.RevisionTraffic> traffic() {
        return gateway.all().stream().map(r -> new Metering.RevisionTraffic(r.service(), r.revision(), r.answeredCount(),
                r.busyNanos(), r.bytesIn(), r.bytesOut())).toList();
    }

    /**
     * Every routed service's request totals since the server started, summed over its revisions:
     * what alert rules compute their figures from (with eventing's and the instances' figures added
     * by the caller, {@link AlertSample#with}).
     */
    public Map<String, AlertSample> alertSamples() {
        Map<String, AlertSample> out = new java.util.HashMap<>();
        for (GatewayMeters.Revision r : gateway.all()) {
            AlertSample s = out.getOrDefault(r.service(), AlertSample.empty(r.service()));
            long[] buckets = r.latencyBuckets();
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] += s.latencyBuckets()[i];
            }
            out.put(r.service(), new AlertSample(r.service(), s.requests() + r.answeredCount(), s.errors() + r.errors(),
                    s.coldStarts() + r.coldStarts(), buckets, 0, 0, 0));
        }
        return out;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
