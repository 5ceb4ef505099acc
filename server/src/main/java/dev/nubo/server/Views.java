package dev.nubo.server;

import dev.nubo.instances.Instance;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Namespaced;
import dev.nubo.model.Quantities;
import dev.nubo.model.RevisionState;
import dev.nubo.store.EventRecord;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The control API's JSON shapes (docs/API.md), read from the store and the live instances. */
final class Views {

    /** @param name as the API addresses it: {@code NAME.NAMESPACE} outside the namespace {@code default} */
    record ServiceSummary(String name, String url, String runtime, String servingRevision, String latestRevision,
            String state, Counts instances, Instant createdAt, String namespace) {}

    record ServiceDetail(String name, String url, String runtime, String servingRevision, String latestRevision,
            String pinnedRevision, String state, Counts instances, Instant createdAt, List<String> paths,
            TrafficView traffic, List<RevisionView> revisions, List<EventView> events, LimitsView limits,
            ResilienceView resilience, String namespace) {}

    /**
     * The service's {@code limits:} as the gateway enforces them, with what they refused in about the
     * last minute and since they were set; null fields are limits not set.
     */
    record LimitsView(String rate, Integer burst, boolean perClient, Integer concurrency, int inFlight,
            long overRateLastMinute, long overConcurrencyLastMinute, long refusedTotal, Map<String, LimitsView> paths) {}

    /**
     * @param configured the stored split and tags, as set ({@code latest} unresolved)
     * @param routes what they resolve to now: revision, percent, tags and the URLs that reach it
     */
    record TrafficView(dev.nubo.model.Traffic configured, List<RouteView> routes) {}

    record RouteView(String revision, int percent, List<String> tags, List<String> urls) {}

    /**
     * {@code GET /v1/services/NAME/traffic}: the traffic as set (a body {@code PUT} takes back as it is),
     * the rollback pin, and the version that {@code If-Match} names.
     */
    record TrafficSettings(List<dev.nubo.model.Traffic.Split> splits, Map<String, String> tags, String pinnedRevision,
            long version) {}

    /** The autoscaler's latest decision and the gateway's view of the revision's load. */
    record ScalingView(Integer desired, String mode, String reason, int inFlight, int waiting, long requests, long held,
            long holdP50Ms, long holdP99Ms, long holdMaxMs) {}

    record Counts(int ready, int desired) {}

    /**
     * @param isolation the sandbox and limits of its instances, naming those this machine cannot enforce
     * @param startCache for a {@code runtime: process} app whose program is {@code java}: whether its starts
     *     use an AOT cache or AppCDS archive, and if not why; null for other runtimes
     */
    record RevisionView(String id, int number, RevisionState state, boolean serving, int percent, List<String> tags,
            String reason, List<String> logTail, String digest, Instant createdAt, Instant readyAt, ConfigView config,
            ScalingView scaling, List<InstanceView> instances, String startCache, String isolation) {}

    record ConfigView(String runtime, String handler, String code, List<String> command, Map<String, String> env,
            String timeout, String memory, String maxBodySize, String readiness, String startTimeout,
            Map<String, Object> scale, String drainTimeout, List<String> paths, Map<String, String> secrets, String auth) {}

    /**
     * @param startMs how long the instance took from launch to ready: its cold start
     * @param pooled whether its process came from a pool of prewarmed ones, so the start only loaded the function
     * @param callersUntil while it drains: until when it keeps serving callers that found it in the registry
     */
    record InstanceView(String id, String state, Long pid, int port, int restarts, Instant createdAt, Instant readyAt,
            Long startMs, boolean pooled, String failure, Instant callersUntil) {}

    record EventView(Instant time, String revision, String message) {}

    private final Store store;
    private final ServiceRecords records;
    private final Reconciler reconciler;
    private final Urls urls;
    private final dev.nubo.gateway.Gateway gateway;

    Views(Store store, ServiceRecords records, Reconciler reconciler, Urls urls, dev.nubo.gateway.Gateway gateway) {
        this.store = store;
        this.records = records;
        this.reconciler = reconciler;
        this.urls = urls;
        this.gateway = gateway;
    }

    /** {@code GET /v1/runtimes}: the pools of prewarmed runtime processes, one per kind (runtime and memory). */
    record RuntimesView(List<PoolView> pools) {}

    /** {@code givenUp}: its processes kept dying before use, so it is refilled only when one is needed again. */
    record PoolView(String kind, int idle, int size, boolean givenUp) {}

    RuntimesView runtimes() {
        return new RuntimesView(reconciler.pools().stream().map(p -> new PoolView(p.key(), p.idle(), p.poolSize(), p.givenUp())).toList());
    }

    /**
     * From memory ({@link ServiceRecords}), without the revisions' details, so 1,000 services list in
     * milliseconds. Every view first catches up with the change feed, so it shows each write committed
     * before the request, on any node.
     */
    List<ServiceSummary> services(Optional<String> namespace) {
        records.catchUp();
        return records.services().stream().filter(s -> namespace.isEmpty() || namespace.get().equals(Namespaced.namespaceOf(s.name()))).map(s -> {
            List<RevisionRecord> revisions = records.of(s.name()).revisions();
            TrafficPlan plan = reconciler.plan(s.name());
            return new ServiceSummary(s.name(), urls.service(s.name()), shown(revisions, plan.primary()).runtime().kind(),
                    plan.primary().orElse(null), revisions.getFirst().id(), state(plan, revisions), counts(s.name(), plan),
                    s.createdAt(), Namespaced.namespaceOf(s.name()));
        }).toList();
    }

    ServiceDetail service(String name) {
        return detail(existing(name), 20);
    }

    TrafficSettings traffic(String name) {
        ServiceRecord s = existing(name);
        return new TrafficSettings(s.traffic().splits(), s.traffic().tags(), s.pinnedRevision().orElse(null), s.trafficVersion());
    }

    RevisionView revision(String service, String id) {
        existing(service);
        RevisionRecord r = records.of(service).revisions().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> NotFound.revision(service, id));
        return revision(r, reconciler.plan(service));
    }

    /** The descriptor of the revision that takes the service's traffic, else of its newest revision. */
    Descriptor descriptor(String name) {
        existing(name);
        return shown(records.of(name).revisions(), reconciler.plan(name).primary());
    }

    private Descriptor shown(List<RevisionRecord> revisions, Optional<String> routed) {
        RevisionRecord latest = revisions.getFirst();
        return routed.flatMap(id -> revisions.stream().filter(r -> r.id().equals(id)).findFirst())
                .map(reconciler::descriptor).orElseGet(() -> reconciler.descriptor(latest));
    }

    ServiceRecord existing(String name) {
        records.catchUp();
        return records.of(name).service().orElseThrow(() -> NotFound.service(name));
    }

    private ServiceDetail detail(ServiceRecord s, int events) {
        List<RevisionRecord> revisions = records.of(s.name()).revisions();
        TrafficPlan plan = reconciler.plan(s.name());
        Optional<String> routed = plan.primary();
        List<RevisionView> views = revisions.stream().map(r -> revision(r, plan)).toList();
        Descriptor shown = shown(revisions, routed);
        List<EventView> eventViews = events == 0 ? List.of() : store.events(s.name(), events).stream().map(Views::event).toList();
        return new ServiceDetail(s.name(), urls.service(s.name()), shown.runtime().kind(), routed.orElse(null), revisions.getFirst().id(),
                s.pinnedRevision().orElse(null), state(plan, revisions), counts(s.name(), plan), s.createdAt(), shown.paths(),
                traffic(s, plan), views, eventViews, gateway.limits(s.name()).map(Views::limits).orElse(null),
                gateway.resilience(s.name()).map(ResilienceView::of).orElse(null), Namespaced.namespaceOf(s.name()));
    }

    private static LimitsView limits(dev.nubo.gateway.LimitFigures f) {
        Descriptor.Limits l = f.limits();
        return new LimitsView(l.rate() > 0 ? l.rateText() : null, l.rate() > 0 ? l.burst() : null, l.perClient(),
                l.concurrency() > 0 ? l.concurrency() : null, f.inFlight(), f.overRate(), f.overConcurrency(),
                f.overRateTotal() + f.overConcurrencyTotal(),
                f.paths().isEmpty() ? null : f.paths().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> limits(e.getValue()), (a, b) -> a, java.util.LinkedHashMap::new)));
    }

    private Counts counts(String service, TrafficPlan plan) {
        int ready = 0;
        int desired = 0;
        for (String id : plan.routed()) {
            List<Instance> list = reconciler.instances(service, id);
            ready += (int) list.stream().filter(i -> i.state() == dev.nubo.instances.InstanceState.READY).count();
            desired += reconciler.scaling(id).map(d -> d.desired())
                    .orElse((int) list.stream().filter(i -> i.state() != dev.nubo.instances.InstanceState.DRAINING).count());
        }
        return new Counts(ready, desired);
    }

    private static String state(TrafficPlan plan, List<RevisionRecord> revisions) {
        return !plan.shares().isEmpty() ? "ready"
                : revisions.stream().anyMatch(r -> r.state() != RevisionState.FAILED) ? "deploying" : "failed";
    }

    private TrafficView traffic(ServiceRecord s, TrafficPlan plan) {
        List<RouteView> routes = plan.routed().stream().map(id -> {
            List<String> tags = tagsOf(plan, id);
            List<String> urls = new java.util.ArrayList<>();
            if (plan.shares().containsKey(id)) {
                urls.add(this.urls.service(s.name()));
            }
            tags.forEach(t -> urls.add(this.urls.service(t + "-" + s.name())));
            return new RouteView(id, plan.shares().getOrDefault(id, 0), tags, urls);
        }).toList();
        return new TrafficView(s.traffic(), routes);
    }

    private static List<String> tagsOf(TrafficPlan plan, String revision) {
        return plan.tags().entrySet().stream().filter(e -> e.getValue().equals(revision)).map(Map.Entry::getKey).toList();
    }

    private RevisionView revision(RevisionRecord r, TrafficPlan plan) {
        List<InstanceView> instances = reconciler.instances(r.service(), r.id()).stream().map(this::instance).toList();
        ScalingView scaling = null;
        if (plan.routed().contains(r.id())) {
            var load = gateway.load(r.id());
            var decision = reconciler.scaling(r.id());
            scaling = new ScalingView(decision.map(d -> d.desired()).orElse(null), decision.map(d -> d.mode().name()).orElse(null),
                    decision.map(d -> d.reason()).orElse(null), load.inFlight(), load.waiting(), load.arrivals(), load.held(),
                    load.holdP50().toMillis(), load.holdP99().toMillis(), load.holdMax().toMillis());
        }
        return new RevisionView(r.id(), r.number(), r.state(), plan.primary().equals(Optional.of(r.id())),
                plan.shares().getOrDefault(r.id(), 0), tagsOf(plan, r.id()), r.reason().orElse(null),
                r.logTail(), r.digest(), r.createdAt(), r.readyAt().orElse(null), config(reconciler.descriptor(r)), scaling,
                instances, reconciler.startCache(r).orElse(null), reconciler.isolation(r));
    }

    private static ConfigView config(Descriptor d) {
        Descriptor.Runtime runtime = d.runtime();
        return new ConfigView(runtime.kind(), runtime.handlerField().orElse(null), runtime.codeField().orElse(null),
                runtime.commandField(), d.env(), Quantities.formatDuration(d.timeout()), Quantities.formatBytes(d.memory()), Quantities.formatBytes(d.maxBodySize()),
                d.readiness().httpPath().map(p -> "http " + p).orElse("tcp"),
                Quantities.formatDuration(d.readiness().startTimeout()),
                scale(d.scale()), Quantities.formatDuration(d.drainTimeout()), d.paths(),
                // The references only (variable to NAME/KEY): a secret's value is never in a view.
                d.secrets().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString())),
                d.auth().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static Map<String, Object> scale(Descriptor.Scale s) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("min", s.min());
        m.put("max", s.max());
        m.put("target", s.target());
        m.put("limit", s.limit());
        m.put("idle", Quantities.formatDuration(s.idle()));
        m.put("window", Quantities.formatDuration(s.window()));
        m.put("warmup", Quantities.formatDuration(s.warmup()));
        m.put("queue", Map.of("length", s.queue().length(), "wait", s.queue().maxWait().map(Quantities::formatDuration).orElse("timeout")));
        return m;
    }

    private InstanceView instance(Instance i) {
        return new InstanceView(i.id(), i.state().name(), i.pid().isPresent() ? i.pid().getAsLong() : null, i.port(),
                i.restarts(), i.createdAt(), i.readyAt().orElse(null),
                i.readyAt().map(t -> java.time.Duration.between(i.createdAt(), t).toMillis()).orElse(null), i.pooled(),
                i.failure().orElse(null), reconciler.callersUntil(i.id()).orElse(null));
    }

    private static EventView event(EventRecord e) {
        return new EventView(e.time(), e.revision().orElse(null), e.message());
    }
}
