package dev.nubo.server;

import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.Gateway;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.RouteTable;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.instances.Instances;
import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.Descriptor;
import dev.nubo.model.RevisionState;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreConflict;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every service towards what its stored revisions and traffic say it should be, one service
 * at a time on one thread. Anything that may change the answer (a deploy, a traffic change, a
 * rollback, an instance becoming ready or crashing, the autoscaler wanting another count) just asks
 * for the service to be reconciled again; the loop reads the store and the live instances and acts
 * on the difference. That makes it idempotent, and restart-safe: after a restart there are simply
 * no live instances, and the same loop (and the first held request) starts them.
 *
 * <p>Per service it keeps in view the <b>candidate</b> (the newest revision, still DEPLOYING), which
 * gets {@code max(1, scale.min)} instances to prove it starts, and the <b>routed</b> revisions (the
 * service's {@link TrafficPlan}: shares and tags), each sized by the {@link Scaler}. A candidate
 * takes traffic only once it is proven: its route is published first, then it is recorded READY.
 * An instance leaves routing before it is told to stop: it is taken out of the route table, its
 * requests in flight finish (up to {@code drainTimeout}), and only then is it stopped. Instances of
 * revisions that are neither routed nor the candidate are retired that way.
 */
final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final Set<InstanceState> LIVE = Set.of(InstanceState.STARTING, InstanceState.READY, InstanceState.BACKOFF);
    private static final int LOG_TAIL_LINES = 30;
    private static final Duration ROUTE_SWAP_SETTLE = Duration.ofMillis(100);
    /** Unreferenced code younger than this may belong to a deploy that has not recorded its revision yet. */
    static final Duration CODE_GRACE = Duration.ofMinutes(10);

    private final Store store;
    private final Instances instances;
    private final Runtimes runtimes;
    private final Artifacts artifacts;
    private final Gateway gateway;
    private final Home home;
    private final LogHub logs;
    private final InstantSource clock;
    private final Duration terminationGrace;
    private final Scaler scaler;
    private final RuntimeApis runtimeApis;
    private final ExecutorService loop = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("nubo-reconciler").factory());
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();
    private final Map<String, Descriptor> descriptors = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final StartSlots starts = new StartSlots(Runtime.getRuntime().availableProcessors(), this::reconcile);

    /** The live side of one service: how its traffic is routed now, and its revisions' instances. */
    private static final class Live {
        volatile TrafficPlan plan = TrafficPlan.none();
        final Map<String, List<Instance>> byRevision = new ConcurrentHashMap<>();

        List<Instance> of(String revision) {
            return byRevision.computeIfAbsent(revision, r -> new CopyOnWriteArrayList<>());
        }
    }

    Reconciler(Store store, Instances instances, Runtimes runtimes, RuntimeApis runtimeApis, Artifacts artifacts,
            Gateway gateway, Home home, LogHub logs, InstantSource clock, Duration terminationGrace) {
        this.store = store;
        this.runtimeApis = runtimeApis;
        this.instances = instances;
        this.runtimes = runtimes;
        this.artifacts = artifacts;
        this.gateway = gateway;
        this.home = home;
        this.logs = logs;
        this.clock = clock;
        this.terminationGrace = terminationGrace;
        this.scaler = new Scaler(gateway, clock, new Scaler.Fleet() {
            @Override
            public int live(String service, String revision) {
                return liveCount(service, revision);
            }

            @Override
            public int ready(String service, String revision) {
                return (int) instances(service, revision).stream().filter(i -> i.state() == InstanceState.READY).count();
            }

            @Override
            public void resize(String service, String revision, ScaleDecision decision, int liveNow, boolean announce) {
                // The reconcile first: from zero, a request waits for the instance it starts.
                reconcile(service);
                if (announce) {
                    store.addEvent(service, Optional.of(revision), clock.instant(), revision + ": " + decision.reason());
                }
            }
        });
    }

    /** Brings every stored service back, e.g. after a restart. */
    void reconcileAll() {
        store.services().forEach(s -> reconcile(s.name()));
    }

    /** Asks for a service to be brought in line; returns at once. */
    void reconcile(String service) {
        if (!loop.isShutdown()) {
            loop.execute(() -> {
                try {
                    reconcileNow(service);
                } catch (StoreConflict e) {
                    // Someone else (a request, another node) changed the service since this pass read it: read again.
                    log.info("{}: {}; reconciling again", service, e.getMessage());
                    reconcile(service);
                } catch (RuntimeException e) {
                    log.error("reconciling {} failed; will retry on the next change", service, e);
                }
            });
        }
    }

    /**
     * Reconciles the service and returns once that pass is done (at most {@code wait}), so an answer
     * to a traffic change shows the routes it made.
     */
    void reconcileAndWait(String service, Duration wait) {
        if (loop.isShutdown()) {
            return;
        }
        try {
            loop.submit(() -> reconcileNow(service)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            log.error("reconciling {} failed; will retry on the next change", service, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("reconciling {} took over {}; answering before it finished", service, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How the service's traffic is routed now; {@link TrafficPlan#none()} before anything is READY. */
    TrafficPlan plan(String service) {
        Live l = live.get(service);
        return l == null ? TrafficPlan.none() : l.plan;
    }

    /** The revision taking the largest share of traffic now, if any. */
    Optional<String> routed(String service) {
        return plan(service).primary();
    }

    /** What the autoscaler last decided for a routed revision. */
    Optional<ScaleDecision> scaling(String revision) {
        return scaler.decision(revision);
    }

    /** The pools of prewarmed runtime processes. */
    List<Instances.PoolStatus> pools() {
        return instances.pools();
    }

    /** The instances of a revision that are not yet gone, oldest first. */
    List<Instance> instances(String service, String revision) {
        Live l = live.get(service);
        return l == null ? List.of() : List.copyOf(l.byRevision.getOrDefault(revision, List.of()));
    }

    private void reconcileNow(String service) {
        Optional<ServiceRecord> record = store.service(service);
        Live l = live.computeIfAbsent(service, s -> new Live());
        if (record.isEmpty()) {
            unroute(service, l);
            l.byRevision.keySet().forEach(scaler::untrack);
            l.byRevision.values().forEach(list -> list.forEach(this::retire));
            l.byRevision.values().forEach(list -> list.removeIf(i -> i.state() == InstanceState.STOPPED));
            if (l.byRevision.values().stream().allMatch(List::isEmpty)) {
                live.remove(service);
                descriptors.keySet().removeIf(id -> id.matches(java.util.regex.Pattern.quote(service) + "-\\d{5}"));
                logs.forget(service);
                collectCode();
            }
            return;
        }
        List<RevisionRecord> revisions = absorbFailures(service, l, store.revisions(service));

        Optional<RevisionRecord> newestReady = revisions.stream().filter(r -> r.state() == RevisionState.READY).findFirst();
        Optional<RevisionRecord> candidate = revisions.stream()
                .filter(r -> r.state() == RevisionState.DEPLOYING)
                .filter(r -> newestReady.isEmpty() || r.number() > newestReady.get().number())
                .findFirst();
        for (RevisionRecord r : revisions) {
            if (r.state() == RevisionState.DEPLOYING && !Optional.of(r).equals(candidate)) {
                fail(r, "superseded by " + candidate.map(RevisionRecord::id).orElse("a newer revision") + " before it became ready", List.of());
            }
        }

        if (candidate.isPresent()) {
            RevisionRecord c = candidate.get();
            int proving = Math.max(1, descriptor(c).scale().min());
            try {
                // Start as many as the revision it will likely replace runs now, so load does not land on one instance.
                int replacing = l.plan.primary().map(id -> liveCount(service, id)).orElse(0);
                launchUpTo(l, c, Math.min(descriptor(c).scale().max(), Math.max(proving, replacing)), false);
            } catch (RuntimeException e) {
                // Nothing can start, so the revision can never become ready: say why now, not after a timeout.
                log.warn("{}: cannot start an instance of {}", service, c.id(), e);
                fail(c, "could not start an instance: " + e.getMessage(), List.of());
                reconcile(service);
                return;
            }
            if (readyCount(l, c.id()) >= proving) {
                // Traffic first, then the state: whoever sees READY can already reach the new revision.
                route(service, record.get(), l, asReady(revisions, c));
                RevisionRecord ready = store.markReady(c, clock.instant());
                event(c, c.id() + " is ready (in " + Duration.between(c.createdAt(), ready.readyAt().orElseThrow()).toMillis() + " ms)");
                reconcile(service);
                return;
            }
        }
        route(service, record.get(), l, revisions);
        candidate.ifPresent(c -> l.of(c.id()));
    }

    /**
     * Routes the service's traffic by its plan: every routed revision sized to what the autoscaler
     * wants, retiring surplus instances first (out of the table before they drain), then publishes
     * the route. Revisions that take no traffic (and are not the candidate) are retired whole.
     */
    private void route(String service, ServiceRecord record, Live l, List<RevisionRecord> revisions) {
        TrafficPlan before = l.plan;
        TrafficPlan plan = TrafficPlan.resolve(record, revisions);
        Map<String, RevisionRecord> byId = new java.util.HashMap<>();
        revisions.forEach(r -> byId.put(r.id(), r));
        Map<String, RevisionRoute> routed = new java.util.LinkedHashMap<>();
        for (String id : plan.routed()) {
            RevisionRecord r = byId.get(id);
            Descriptor d = descriptor(r);
            scaler.track(service, id, d.scale());
            int live = liveCount(service, id);
            int desired = scaler.desired(id).orElse(Math.max(d.scale().min(), live));
            if (live < desired) {
                launchSafely(l, r, desired);
            } else if (live > desired) {
                shrink(l.of(id), live - desired);
            }
            List<Endpoint> endpoints = new ArrayList<>();
            for (Instance i : l.byRevision.getOrDefault(id, List.of())) {
                if (i.state() == InstanceState.READY) {
                    endpoints.add(new Endpoint(i.id(), "127.0.0.1", i.port()));
                }
            }
            Descriptor.Scale scale = d.scale();
            routed.put(id, new RevisionRoute(id, d.timeout(), d.maxBodySize(), scale.limit(), scale.queue().length(),
                    scale.queue().maxWait().orElse(d.timeout()), endpoints));
        }
        l.plan = plan;
        if (plan.shares().isEmpty()) {
            unroute(service, l);
        } else {
            List<ServiceRoute.Share> shares = plan.shares().entrySet().stream()
                    .map(e -> new ServiceRoute.Share(e.getKey(), e.getValue())).toList();
            List<String> paths = plan.primary().map(id -> descriptor(byId.get(id)).paths()).orElse(List.of());
            routes.put(service, new ServiceRoute(service, paths, shares, plan.tags(), routed));
            gateway.routes(new RouteTable(Map.copyOf(routes)));
        }
        if (!before.shares().equals(plan.shares()) || !before.tags().equals(plan.tags())) {
            String message = before.shares().isEmpty() && plan.shares().size() == 1 ? plan.primary().orElseThrow() + " is serving"
                    : before.shares().size() == 1 && plan.shares().size() == 1 && !before.shares().equals(plan.shares())
                            ? "traffic moved from " + before.primary().orElseThrow() + " to " + plan.primary().orElseThrow()
                            : "traffic: " + plan.describe();
            if (!plan.tags().isEmpty()) {
                message += "; tags: " + plan.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", "));
            }
            store.addEvent(service, plan.primary(), clock.instant(), message);
            log.info("{}: {}", service, message);
        }

        Set<String> keep = new LinkedHashSet<>(plan.routed());
        revisions.stream().filter(r -> r.state() == RevisionState.DEPLOYING).forEach(r -> keep.add(r.id()));
        l.byRevision.forEach((revision, list) -> {
            if (!keep.contains(revision)) {
                scaler.untrack(revision);
                list.forEach(this::retire);
            }
            list.removeIf(i -> i.state() == InstanceState.STOPPED);
        });
    }

    /** The candidate's states as if it were READY: to route it before recording it so. */
    private static List<RevisionRecord> asReady(List<RevisionRecord> revisions, RevisionRecord candidate) {
        return revisions.stream().map(r -> r.id().equals(candidate.id())
                ? new RevisionRecord(r.id(), r.service(), r.number(), r.descriptorYaml(), r.digest(), RevisionState.READY,
                        r.reason(), r.logTail(), r.createdAt(), Optional.of(r.createdAt()), r.version())
                : r).toList();
    }

    /** Retires {@code count} instances: those not ready first (they serve nothing), then the least busy. */
    private void shrink(List<Instance> list, int count) {
        list.stream().filter(i -> LIVE.contains(i.state()))
                .sorted(java.util.Comparator.comparing((Instance i) -> i.state() == InstanceState.READY)
                        .thenComparingInt(i -> gateway.inFlight(i.id()))
                        .thenComparing(Instance::createdAt, java.util.Comparator.reverseOrder()))
                .limit(count)
                .forEach(this::retire);
    }

    private void launchSafely(Live l, RevisionRecord r, int count) {
        try {
            launchUpTo(l, r, count, true);
        } catch (RuntimeException e) {
            log.warn("{}: cannot start an instance of {}; requests wait until one starts", r.service(), r.id(), e);
            event(r, "cannot start an instance of " + r.id() + ": " + e.getMessage());
        }
    }

    /** A deleted service's code goes once no stored revision refers to it. */
    private void collectCode() {
        Set<String> referenced = new java.util.HashSet<>();
        store.services().forEach(s -> store.revisions(s.name()).forEach(r -> referenced.add(r.digest())));
        int deleted = artifacts.collect(referenced, clock.instant().minus(CODE_GRACE));
        if (deleted > 0) {
            log.info("deleted {} unused code archive(s)", deleted);
        }
    }

    /** Failed instances fail their revision; gone instances are forgotten. */
    private List<RevisionRecord> absorbFailures(String service, Live l, List<RevisionRecord> revisions) {
        boolean changed = false;
        for (RevisionRecord r : revisions) {
            List<Instance> list = l.byRevision.getOrDefault(r.id(), List.of());
            for (Instance i : list) {
                if (i.state() == InstanceState.FAILED) {
                    if (r.state() != RevisionState.FAILED) {
                        String failure = i.failure().orElse("instance " + i.id() + " failed")
                                + runtimeApis.initError(i.id()).map(e -> "; the runtime reported: " + e).orElse("");
                        fail(r, failure, i.logTail(LOG_TAIL_LINES));
                        changed = true;
                    }
                    list.remove(i);
                }
            }
        }
        return changed ? store.revisions(service) : revisions;
    }

    /** Launches instances of {@code r} up to {@code count}; fewer while the machine's start slots are taken ({@link StartSlots}). */
    private void launchUpTo(Live l, RevisionRecord r, int count, boolean proven) {
        List<Instance> list = l.of(r.id());
        long running = list.stream().filter(i -> LIVE.contains(i.state())).count();
        Descriptor d = descriptor(r);
        for (long n = running; n < count; n++) {
            String id = r.id() + "-" + suffix();
            Optional<Runtimes.RuntimeApi> runtimeApi = runtimeApis.open(d, r.id(), id);
            Instance launched;
            try {
                var spec = runtimes.launch(new Runtimes.Target(d, artifacts.codeDir(r.digest()), r.id(), id,
                        home.logs(r.service()).resolve(id + ".log"), proven, runtimeApi));
                if (!pooled(spec) && !starts.tryTake(r.service(), id)) {
                    log.debug("{}: {} fresh processes are starting on {} cores; {} waits for one to finish",
                            r.service(), starts.starting(), starts.parallel(), id);
                    runtimeApis.close(id);
                    return;
                }
                logs.register(id, r.service());
                launched = instances.launch(spec, (instance, from, to, reason) -> onChange(instance, to, reason));
            } catch (RuntimeException e) {
                starts.ended(id);
                runtimeApis.close(id);
                throw e;
            }
            runtimeApis.attach(launched);
            list.add(launched);
        }
    }

    /** Whether the launch will take a prewarmed process rather than start one: then it costs no start slot. */
    private boolean pooled(LaunchSpec spec) {
        return spec.warmStart().map(w -> instances.pools().stream().anyMatch(p -> p.key().equals(w.key()) && p.idle() > 0))
                .orElse(false);
    }

    private int liveCount(String service, String revision) {
        return (int) instances(service, revision).stream().filter(i -> LIVE.contains(i.state())).count();
    }

    private void onChange(Instance instance, InstanceState to, String reason) {
        runtimeApis.changed(instance, to);
        if (to != InstanceState.STARTING) {
            starts.ended(instance.id());
        }
        if (to == InstanceState.READY) {
            log.info("{}: instance {} ready in {} ms", instance.spec().service(), instance.id(),
                    Duration.between(instance.createdAt(), instance.readyAt().orElse(clock.instant())).toMillis());
        }
        if (to == InstanceState.BACKOFF) {
            store.addEvent(instance.spec().service(), Optional.of(instance.spec().revision()), clock.instant(),
                    "instance " + instance.id() + (reason.endsWith("asked to be replaced") ? " replaced (" : " crashed (")
                            + reason + "); restarting");
        }
        if (to == InstanceState.READY && !loop.isShutdown()) {
            loop.execute(() -> routeReady(instance));
        }
        reconcile(instance.spec().service());
    }

    /**
     * Puts a newly ready instance of an already routed revision into the route table at once, from
     * what is in memory, ahead of the full reconcile that follows (which reads the store): requests
     * held during a cold start are released a few milliseconds sooner.
     */
    private void routeReady(Instance instance) {
        String service = instance.spec().service();
        ServiceRoute route = routes.get(service);
        Live l = live.get(service);
        RevisionRoute revision = route == null ? null : route.revisions().get(instance.spec().revision());
        if (revision == null || l == null || instance.state() != InstanceState.READY) {
            return;
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (Instance i : l.byRevision.getOrDefault(revision.revision(), List.of())) {
            if (i.state() == InstanceState.READY) {
                endpoints.add(new Endpoint(i.id(), "127.0.0.1", i.port()));
            }
        }
        Map<String, RevisionRoute> revisions = new java.util.LinkedHashMap<>(route.revisions());
        revisions.put(revision.revision(), revision.withEndpoints(endpoints));
        routes.put(service, new ServiceRoute(service, route.paths(), route.split(), route.tags(), revisions));
        gateway.routes(new RouteTable(Map.copyOf(routes)));
    }

    /** Out of routing first (the route table no longer names it), then drain, then stop. */
    private void retire(Instance instance) {
        InstanceState s = instance.state();
        if (s == InstanceState.DRAINING || s == InstanceState.STOPPED || s == InstanceState.FAILED) {
            return;
        }
        boolean wasReady = s == InstanceState.READY;
        if (wasReady) {
            instance.drain();
        }
        Descriptor d = descriptors.get(instance.spec().revision());
        Duration drain = d == null ? Duration.ZERO : d.drainTimeout();
        Thread.ofVirtual().name("drain-" + instance.id()).start(() -> {
            Instant deadline = clock.instant().plus(wasReady ? drain : Duration.ZERO);
            if (wasReady) {
                // A request that picked this instance from the previous route table may not have
                // counted itself in flight yet; give it a moment before trusting a count of zero.
                sleep(ROUTE_SWAP_SETTLE);
            }
            while (gateway.inFlight(instance.id()) > 0 && clock.instant().isBefore(deadline)) {
                sleep(Duration.ofMillis(20));
            }
            instance.stop(terminationGrace).whenComplete((v, e) -> reconcile(instance.spec().service()));
        });
    }

    private void unroute(String service, Live l) {
        l.plan = TrafficPlan.none();
        if (routes.remove(service) != null) {
            gateway.routes(new RouteTable(Map.copyOf(routes)));
        }
    }

    private void fail(RevisionRecord r, String reason, List<String> logTail) {
        store.markFailed(r, reason, logTail);
        event(r, r.id() + " failed: " + reason);
    }

    private void event(RevisionRecord r, String message) {
        log.info("{}: {}", r.service(), message);
        store.addEvent(r.service(), Optional.of(r.id()), clock.instant(), message);
    }

    private int readyCount(Live l, String revision) {
        return (int) l.byRevision.getOrDefault(revision, List.of()).stream().filter(i -> i.state() == InstanceState.READY).count();
    }

    Descriptor descriptor(RevisionRecord r) {
        return descriptors.computeIfAbsent(r.id(), id -> r.descriptor());
    }

    private String suffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops reconciling; the instances themselves are stopped by {@link Instances#close()}. */
    @Override
    public void close() {
        scaler.close();
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
