package dev.nubo.server;

import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.gateway.Gateway;
import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.instances.Instances;
import dev.nubo.model.Descriptor;
import dev.nubo.model.RevisionState;
import dev.nubo.registry.Registry;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreConflict;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every service towards what its stored revisions and traffic say it should be. A pass of
 * one service is three steps, in the manner of Knative's reconcilers:
 *
 * <pre>
 *   snapshot  read once: the stored service and revisions, its instances and their states,
 *             the autoscaler's counts, what is routed now, the free start slots  ({@link ServiceSnapshot})
 *   plan      pure: what to launch and retire, the route, status changes, events  ({@link ReconcilePlan})
 *   apply     the actuators, in order: {@link Fleet} launches, {@link RoutePublisher} publishes,
 *             {@link Fleet} retires (drained on the gateway's idle signal), {@link StatusWriter} records
 * </pre>
 *
 * <p>Passes run one at a time on the {@link WorkQueue}'s thread, one queued pass per service however
 * often it is asked for. Anything that may change the answer asks: a change to the service's stored
 * records ({@link ServiceChanges}), an instance changing state, the {@link Scaler}, a free start slot,
 * a retired instance that stopped. That makes a pass idempotent and restart-safe: after a restart
 * there are simply no instances, and the same pass (and the first held request) starts them.
 */
final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final Store store;
    private final ServiceRecords records;
    private final Instances instances;
    private final RuntimeApis runtimeApis;
    private final LogHub logs;
    private final InstantSource clock;
    private final Descriptors descriptors = new Descriptors();
    private final WorkQueue queue;
    private final StartSlots starts;
    private final Fleet fleet;
    private final RoutePublisher routes;
    private final RegistryPublisher registry;
    private final StatusWriter status;
    private final Scaler scaler;
    private final CodeCollector code;
    private volatile java.util.function.Consumer<Instance> onReady = instance -> {};
    private final Artifacts artifacts;

    Reconciler(Store store, ServiceRecords records, Instances instances, Runtimes runtimes, RuntimeApis runtimeApis,
            Artifacts artifacts, Gateway gateway, Home home, LogHub logs, InstantSource clock, Duration terminationGrace,
            ServiceChanges changes, Registry registry) {
        this.store = store;
        this.records = records;
        this.instances = instances;
        this.runtimeApis = runtimeApis;
        this.logs = logs;
        this.clock = clock;
        this.queue = new WorkQueue("nubo-reconciler", this::reconcileOnce);
        this.starts = new StartSlots(Runtime.getRuntime().availableProcessors(), queue::add);
        this.registry = new RegistryPublisher(registry);
        this.fleet = new Fleet(instances, runtimes, runtimeApis, artifacts, home, logs, starts, gateway, terminationGrace,
                this.registry::callersGoneAt, clock);
        this.routes = new RoutePublisher(gateway);
        this.status = new StatusWriter(store, records, clock);
        this.scaler = new Scaler(gateway, clock, fleet, queue::add, status);
        this.code = new CodeCollector(store, artifacts, clock);
        this.artifacts = artifacts;
        changes.subscribe(queue::add);
        queue.start();
    }

    /** Holds the autoscaler's scale-ups within {@code cap} (the namespaces' quotas). */
    void capScaling(Scaler.Cap cap) {
        scaler.capWith(cap);
    }

    /** Brings every stored service back, e.g. after a restart. */
    void reconcileAll() {
        records.services().forEach(s -> queue.add(s.name()));
    }

    /**
     * Asks for a pass of the service and returns once one that began after this call is done (at most
     * {@code wait}), so an answer to a traffic change shows the routes it made.
     */
    void reconcileAndWait(String service, Duration wait) {
        // The write being answered may not have reached the feed's thread yet: the pass must read it.
        records.catchUp();
        try {
            queue.addAndWait(service).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            log.warn("reconciling {} failed; answering before it is retried", service);
        } catch (TimeoutException e) {
            log.warn("reconciling {} took over {}; answering before it finished", service, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Told of every instance that becomes ready, after its route (for metrics); must be quick and not throw. */
    void onReady(java.util.function.Consumer<Instance> listener) {
        this.onReady = listener;
    }

    /** How the service's traffic is routed now; {@link TrafficPlan#none()} before anything is READY. */
    TrafficPlan plan(String service) {
        return routes.traffic(service);
    }

    /** A route beside the service's traffic, under its own tag (a debug session's instance); empty arguments remove it. */
    void debugRoute(String service, Optional<String> tag, Optional<dev.nubo.gateway.RevisionRoute> route) {
        routes.extra(service, tag, route);
    }

    /** Routes on the gateway that are no service's (workflows, {@link WorkflowRoutes}); a service of the same name wins. */
    void otherRoutes(java.util.Map<String, dev.nubo.gateway.ServiceRoute> others) {
        routes.others(others);
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

    /** The instances of a service, of every revision, that a pass has not yet seen gone. */
    List<Instance> instances(String service) {
        return fleet.of(service);
    }

    /** The instances of a revision that a pass has not yet seen gone, oldest first. */
    List<Instance> instances(String service, String revision) {
        return fleet.of(service, revision);
    }

    /** Until when a draining instance keeps serving callers that found it in the registry; empty when it waits for none. */
    Optional<java.time.Instant> callersUntil(String instanceId) {
        return fleet.servingUntil(instanceId);
    }

    Descriptor descriptor(RevisionRecord r) {
        return descriptors.of(r);
    }

    /** For describe: the sandbox and limits of a revision's instances, and which limits this machine cannot enforce. */
    String isolation(RevisionRecord r) {
        return Isolation.describe(instances.enforcement(), descriptors.of(r));
    }

    /** Whether a JVM app's starts use a start cache, and which; empty for other runtimes. */
    Optional<String> startCache(RevisionRecord r) {
        return fleet.startCache(r, descriptors.of(r));
    }

    private void reconcileOnce(String service) {
        try {
            ServiceSnapshot snapshot = snapshot(service);
            apply(service, snapshot, ReconcilePlan.plan(snapshot, clock.instant()));
        } catch (StoreConflict e) {
            // A status written over what the snapshot read lost to a change since (a request, another node):
            // nothing is wrong, the plan is stale; read and plan again.
            log.info("{}: {}; reconciling again", service, e.getMessage());
            queue.add(service);
        }
    }

    private ServiceSnapshot snapshot(String service) {
        // From memory: a cold start's pass reads no database (ServiceRecords forgets what the change feed names).
        ServiceRecords.Stored stored = records.of(service);
        Optional<ServiceRecord> record = stored.service();
        List<RevisionRecord> revisions = stored.revisions();
        Map<String, Descriptor> known = new HashMap<>();
        Map<String, Integer> desired = new HashMap<>();
        Map<String, Integer> pooled = new HashMap<>();
        for (RevisionRecord r : revisions) {
            Descriptor d = descriptors.of(r);
            known.put(r.id(), d);
            scaler.decision(r.id()).ifPresent(decision -> desired.put(r.id(), decision.desired()));
            if (r.state() != RevisionState.FAILED) {
                pooled.put(r.id(), fleet.pooledIdle(r, d));
            }
        }
        List<ServiceSnapshot.Seen> seen = fleet.of(service).stream().map(fleet::seen).toList();
        seen.forEach(i -> descriptors.known(service, i.revision()).ifPresent(d -> known.putIfAbsent(i.revision(), d)));
        return new ServiceSnapshot(service, record, revisions, known, seen, desired, routes.traffic(service), starts.free(), pooled);
    }

    private void apply(String service, ServiceSnapshot snapshot, ReconcilePlan plan) {
        for (ReconcilePlan.Launch launch : plan.launches()) {
            if (!launchOrAbandon(service, launch)) {
                return;
            }
        }
        Map<String, String> digests = new HashMap<>();
        snapshot.revisions().forEach(r -> digests.put(r.id(), r.digest()));
        Function<String, Duration> warmups = id -> Optional.ofNullable(snapshot.descriptors().get(id))
                .map(d -> d.scale().warmup()).orElse(Duration.ZERO);
        routes.publish(service, plan.traffic(), plan.route().map(r -> StaticSites.attach(r, snapshot.descriptors(),
                id -> artifacts.codeDir(digests.get(id)))).map(r -> WarmupRoutes.apply(r, warmups, fleet::readyAt)));
        // After the publish: an instance leaves the route table before it drains.
        plan.retires().forEach(r -> fleet.retire(r.instanceId(), r.drain()).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("{}: stopping retired instance {} failed", service, r.instanceId(), e);
            }
            queue.add(service);
        }));
        plan.statuses().forEach(status::apply);
        plan.events().forEach(e -> status.record(service, e));
        scaler.size(service, plan.sized());
        fleet.forget(plan.forget());
        if (plan.waitsForStart() && starts.awaitSlot(service)) {
            queue.add(service);
        }
        if (plan.gone()) {
            fleet.forgetService(service);
            routes.forget(service);
            descriptors.forget(service);
            logs.forget(service);
            code.collect();
        }
    }

    /**
     * Launches what the plan says. A candidate none of whose instances can even be launched (its
     * runtime is missing, say) can never become ready: it fails now, not after a timeout, and the plan
     * made without knowing that is abandoned for a new pass. A routed revision's requests wait instead.
     */
    private boolean launchOrAbandon(String service, ReconcilePlan.Launch launch) {
        RevisionRecord r = launch.revision();
        try {
            fleet.launch(r, descriptors.of(r), launch.count(), launch.proven(), this::onChange);
            fleet.of(service, r.id()).forEach(registry::refresh);    // listed STARTING, so an app registering from it is tied to it
            return true;
        } catch (RuntimeException e) {
            log.warn("{}: cannot start an instance of {}", service, r.id(), e);
            if (launch.proven()) {
                status.record(service, ServiceEvent.cannotStart(r.id(), e.getMessage()));
                return true;
            }
            String reason = ServiceEvent.couldNotStart(e.getMessage());
            status.apply(new ReconcilePlan.Failed(r, reason, List.of()));
            status.record(service, ServiceEvent.failed(r.id(), reason));
            queue.add(service);
            return false;
        }
    }

    /** Every change of an instance is a reason for a pass; a few also need something at once. */
    private void onChange(Instance instance, InstanceState from, InstanceState to, String reason) {
        String service = instance.spec().service();
        runtimeApis.changed(instance, to);
        if (to != InstanceState.STARTING) {
            starts.ended(instance.id());
        }
        if (to == InstanceState.STOPPED || to == InstanceState.FAILED || to == InstanceState.BACKOFF) {
            fleet.exited(instance);
        }
        if (to == InstanceState.READY) {
            // The route first: requests held during a cold start wait for it, not for the log line.
            routes.ready(service, instance.spec().revision(), WarmupRoutes.endpoint(fleet.seen(instance).endpoint(),
                    descriptors.known(service, instance.spec().revision()).map(d -> d.scale().warmup()).orElse(Duration.ZERO),
                    instance.readyAt()));
            onReady.accept(instance);
        }
        // Then the registry, before anything slower: a drained or stopped instance leaves it at once.
        registry.refresh(instance);
        if (to == InstanceState.READY) {
            log.info("{}: instance {} ready in {} ms", service, instance.id(),
                    Duration.between(instance.createdAt(), instance.readyAt().orElse(clock.instant())).toMillis());
        }
        if (to == InstanceState.BACKOFF) {
            try {
                status.record(service, ServiceEvent.restarting(instance.spec().revision(), instance.id(), reason));
            } catch (RuntimeException e) {
                log.warn("{}: could not record that instance {} restarts", service, instance.id(), e);
            }
        }
        queue.add(service);
    }

    /** Stops reconciling; the instances themselves are stopped by {@link Instances#close()}. */
    @Override
    public void close() {
        scaler.close();
        queue.close();
    }
}
