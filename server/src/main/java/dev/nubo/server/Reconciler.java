package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.Gateway;
import dev.nubo.gateway.RouteTable;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.instances.Instances;
import dev.nubo.model.Descriptor;
import dev.nubo.model.RevisionState;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
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
 * Drives every service towards what its stored revisions say it should be, one service at a time on
 * one thread. Anything that may change the answer (a deploy, a rollback, an instance becoming ready
 * or crashing) just asks for the service to be reconciled again; the loop reads the store and the
 * live instances and acts on the difference. That makes it idempotent, and restart-safe: after a
 * restart there are simply no live instances, and the same loop starts them.
 *
 * <p>Per service it keeps three revisions in view: the <b>desired</b> one (pinned by a rollback, or
 * else the newest READY), the <b>candidate</b> (a newer revision still DEPLOYING), and the
 * <b>routed</b> one (what the gateway sends traffic to now). Traffic moves to the desired revision
 * only once it has {@code scale.min} ready instances; until then the routed revision keeps serving.
 * Instances of any other revision are taken out of routing first, then drained, then stopped.
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
    private final ExecutorService loop = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("nubo-reconciler").factory());
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();
    private final Map<String, Descriptor> descriptors = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** The live side of one service: which revision is routed, and its revisions' instances. */
    private static final class Live {
        volatile Optional<String> routed = Optional.empty();
        final Map<String, List<Instance>> byRevision = new ConcurrentHashMap<>();

        List<Instance> of(String revision) {
            return byRevision.computeIfAbsent(revision, r -> new CopyOnWriteArrayList<>());
        }
    }

    Reconciler(Store store, Instances instances, Runtimes runtimes, Artifacts artifacts, Gateway gateway, Home home,
            LogHub logs, InstantSource clock, Duration terminationGrace) {
        this.store = store;
        this.instances = instances;
        this.runtimes = runtimes;
        this.artifacts = artifacts;
        this.gateway = gateway;
        this.home = home;
        this.logs = logs;
        this.clock = clock;
        this.terminationGrace = terminationGrace;
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
                } catch (RuntimeException e) {
                    log.error("reconciling {} failed; will retry on the next change", service, e);
                }
            });
        }
    }

    /** The revision the gateway routes to now, if any. */
    Optional<String> routed(String service) {
        Live l = live.get(service);
        return l == null ? Optional.empty() : l.routed;
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

        Optional<RevisionRecord> desired = desired(record.get(), revisions);
        Optional<RevisionRecord> candidate = revisions.stream()
                .filter(r -> r.state() == RevisionState.DEPLOYING)
                .filter(r -> desired.isEmpty() || r.number() > desired.get().number())
                .findFirst();
        for (RevisionRecord r : revisions) {
            if (r.state() == RevisionState.DEPLOYING && !Optional.of(r).equals(candidate)) {
                fail(r, "superseded by " + candidate.map(RevisionRecord::id).orElse("a newer revision") + " before it became ready", List.of());
            }
        }

        if (candidate.isPresent()) {
            RevisionRecord c = candidate.get();
            try {
                ensureInstances(l, c, false);
            } catch (RuntimeException e) {
                // Nothing can start, so the revision can never become ready: say why now, not after a timeout.
                log.warn("{}: cannot start an instance of {}", service, c.id(), e);
                fail(c, "could not start an instance: " + e.getMessage(), List.of());
                reconcile(service);
                return;
            }
            if (readyCount(l, c.id()) >= descriptor(c).scale().min()) {
                if (record.get().pinnedRevision().isEmpty()) {
                    // Traffic first, then the state: whoever sees READY can already reach the new revision.
                    route(service, l, Optional.of(c));
                }
                RevisionRecord ready = store.markReady(c.id(), clock.instant());
                event(c, c.id() + " is ready (in " + Duration.between(c.createdAt(), ready.readyAt().orElseThrow()).toMillis() + " ms)");
                reconcile(service);
                return;
            }
        }
        desired.ifPresent(d -> ensureInstances(l, d, true));

        Optional<RevisionRecord> routed = l.routed.flatMap(id -> revisions.stream().filter(r -> r.id().equals(id)).findFirst());
        if (desired.isPresent() && readyCount(l, desired.get().id()) >= descriptor(desired.get()).scale().min()) {
            routed = desired;
        } else if (routed.isEmpty() || readyCount(l, routed.get().id()) == 0 || routed.get().state() != RevisionState.READY) {
            routed = desired;
        }
        route(service, l, routed);

        Set<String> keep = new LinkedHashSet<>();
        l.routed.ifPresent(keep::add);
        desired.ifPresent(d -> keep.add(d.id()));
        candidate.ifPresent(c -> keep.add(c.id()));
        l.byRevision.forEach((revision, list) -> {
            if (!keep.contains(revision)) {
                list.forEach(this::retire);
            }
            list.removeIf(i -> i.state() == InstanceState.STOPPED);
        });
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
                        fail(r, i.failure().orElse("instance " + i.id() + " failed"), i.logTail(LOG_TAIL_LINES));
                        changed = true;
                    }
                    list.remove(i);
                }
            }
        }
        return changed ? store.revisions(service) : revisions;
    }

    private Optional<RevisionRecord> desired(ServiceRecord service, List<RevisionRecord> revisions) {
        Optional<RevisionRecord> pinned = service.pinnedRevision().flatMap(p ->
                revisions.stream().filter(r -> r.id().equals(p) && r.state() == RevisionState.READY).findFirst());
        return pinned.or(() -> revisions.stream().filter(r -> r.state() == RevisionState.READY).findFirst());
    }

    private void ensureInstances(Live l, RevisionRecord r, boolean proven) {
        List<Instance> list = l.of(r.id());
        long running = list.stream().filter(i -> LIVE.contains(i.state())).count();
        Descriptor d = descriptor(r);
        for (long n = running; n < d.scale().min(); n++) {
            String id = r.id() + "-" + suffix();
            var spec = runtimes.launch(new Runtimes.Target(d, artifacts.codeDir(r.digest()), r.id(), id,
                    home.logs(r.service()).resolve(id + ".log"), proven));
            logs.register(id, r.service());
            list.add(instances.launch(spec, (instance, from, to, reason) -> onChange(instance, to, reason)));
        }
    }

    private void onChange(Instance instance, InstanceState to, String reason) {
        if (to == InstanceState.BACKOFF) {
            store.addEvent(instance.spec().service(), Optional.of(instance.spec().revision()), clock.instant(),
                    "instance " + instance.id() + " crashed (" + reason + "); restarting");
        }
        reconcile(instance.spec().service());
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

    /** Points the service's route at a revision's ready instances, and says so when that changes. */
    private void route(String service, Live l, Optional<RevisionRecord> to) {
        Optional<String> before = l.routed;
        if (to.isEmpty()) {
            unroute(service, l);
            return;
        }
        RevisionRecord r = to.get();
        l.routed = Optional.of(r.id());
        if (!before.equals(l.routed)) {
            event(r, before.map(b -> "traffic moved from " + b + " to " + r.id()).orElse(r.id() + " is serving"));
        }
        Descriptor d = descriptor(r);
        List<Endpoint> endpoints = new ArrayList<>();
        for (Instance i : l.byRevision.getOrDefault(r.id(), List.of())) {
            if (i.state() == InstanceState.READY) {
                endpoints.add(new Endpoint(i.id(), "127.0.0.1", i.port()));
            }
        }
        routes.put(service, new ServiceRoute(service, r.id(), d.timeout(), d.maxBodySize(), d.paths(), endpoints));
        gateway.routes(new RouteTable(Map.copyOf(routes)));
    }

    private void unroute(String service, Live l) {
        l.routed = Optional.empty();
        if (routes.remove(service) != null) {
            gateway.routes(new RouteTable(Map.copyOf(routes)));
        }
    }

    private void fail(RevisionRecord r, String reason, List<String> logTail) {
        store.markFailed(r.id(), reason, logTail);
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
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
