package dev.nubo.server;

import dev.nubo.gateway.Gateway;
import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceListener;
import dev.nubo.instances.InstanceState;
import dev.nubo.instances.Instances;
import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.Descriptor;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances this server runs, the reconciler's actuator for them: it launches instances of a
 * revision (through {@link Runtimes} and {@link Instances}, within the machine's {@link StartSlots}),
 * retires them (drain on the gateway's idle signal, then stop), and shows them to the snapshot, the
 * scaler and the API. An instance stays in view until a reconcile pass has seen it gone and
 * {@link #forget forgets} it, so a failure is never missed. Thread-safe.
 */
final class Fleet implements Scaler.Capacity {

    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    private static final int LOG_TAIL_LINES = 30;
    /**
     * A request that picked an instance from the route table before the swap may not have counted
     * itself in flight yet; the gateway's "idle" is trusted only this long after the swap.
     */
    private static final Duration ROUTE_SWAP_SETTLE = Duration.ofMillis(100);

    private final Instances instances;
    private final Runtimes runtimes;
    private final RuntimeApis runtimeApis;
    private final Artifacts artifacts;
    private final Home home;
    private final LogHub logs;
    private final StartSlots starts;
    private final Gateway gateway;
    private final Duration terminationGrace;
    private final Function<String, Instant> callersGoneAt;
    private final InstantSource clock;
    /** Instances draining while callers that found them in the registry move off: until when. */
    private final Map<String, Instant> servingUntil = new ConcurrentHashMap<>();
    private final Map<String, Instance> byId = new ConcurrentHashMap<>();
    private final Map<String, ServiceSnapshot.Failure> failures = new ConcurrentHashMap<>();
    /** Per service, per revision: the pool kind its launches take from. */
    private final Map<String, Map<String, Optional<String>>> warmKeys = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    Fleet(Instances instances, Runtimes runtimes, RuntimeApis runtimeApis, Artifacts artifacts, Home home, LogHub logs,
          StartSlots starts, Gateway gateway, Duration terminationGrace, Function<String, Instant> callersGoneAt, InstantSource clock) {
        this.instances = instances;
        this.runtimes = runtimes;
        this.runtimeApis = runtimeApis;
        this.artifacts = artifacts;
        this.home = home;
        this.logs = logs;
        this.starts = starts;
        this.gateway = gateway;
        this.terminationGrace = terminationGrace;
        this.callersGoneAt = callersGoneAt;
        this.clock = clock;
    }

    /** The service's instances in view, in any state, oldest first. */
    List<Instance> of(String service) {
        return byId.values().stream().filter(i -> i.spec().service().equals(service))
                .sorted(Comparator.comparing(Instance::createdAt).thenComparing(Instance::id)).toList();
    }

    /** The revision's instances in view, oldest first. */
    List<Instance> of(String service, String revision) {
        return of(service).stream().filter(i -> i.spec().revision().equals(revision)).toList();
    }

    @Override
    public int live(String revision) {
        return count(revision, i -> ServiceSnapshot.LIVE.contains(i.state()));
    }

    @Override
    public int ready(String revision) {
        return count(revision, i -> i.state() == InstanceState.READY);
    }

    private int count(String revision, Predicate<Instance> which) {
        return (int) byId.values().stream().filter(i -> i.spec().revision().equals(revision)).filter(which).count();
    }

    /** The instance as a reconcile pass sees it. */
    ServiceSnapshot.Seen seen(Instance i) {
        InstanceState state = i.state();
        Optional<ServiceSnapshot.Failure> failure = state != InstanceState.FAILED ? Optional.empty()
                // Asked once and kept: the runtime's init error is handed out only once.
                : Optional.of(failures.computeIfAbsent(i.id(), id -> new ServiceSnapshot.Failure(
                        ServiceEvent.instanceFailed(i.failure().orElse("instance " + id + " failed"), runtimeApis.initError(id)),
                        i.logTail(LOG_TAIL_LINES))));
        return new ServiceSnapshot.Seen(i.id(), i.spec().revision(), state, i.createdAt(), i.host(), i.port(),
                gateway.inFlight(i.id()), failure);
    }

    /** Prewarmed processes a launch of the revision could take now. */
    int pooledIdle(RevisionRecord r, Descriptor d) {
        Optional<String> key = warmKeys.computeIfAbsent(r.service(), s -> new ConcurrentHashMap<>())
                .computeIfAbsent(r.id(), id -> runtimes.warmKey(d));
        return key.map(k -> instances.pools().stream().filter(p -> p.key().equals(k)).mapToInt(Instances.PoolStatus::idle).sum())
                .orElse(0);
    }

    /**
     * Launches {@code count} instances of the revision. A launch that must start a fresh process and
     * finds no start slot stops there and returns false: the slots wake the service when one frees.
     *
     * @throws RuntimeException when an instance cannot even be launched (no such runtime, say)
     */
    boolean launch(RevisionRecord r, Descriptor d, int count, boolean proven, InstanceListener listener) {
        for (int n = 0; n < count; n++) {
            String id = r.id() + "-" + suffix();
            Optional<Runtimes.RuntimeApi> runtimeApi = runtimeApis.open(d, r.id(), id);
            Instance launched;
            try {
                LaunchSpec spec = runtimes.launch(new Runtimes.Target(d, artifacts.codeDir(r.digest()), r.id(), id,
                        home.logs(r.service()).resolve(id + ".log"), proven, runtimeApi));
                if (!pooled(spec) && !starts.tryTake(r.service(), id)) {
                    log.debug("{}: {} fresh processes are starting on {} cores; {} waits for one to finish",
                            r.service(), starts.starting(), starts.parallel(), id);
                    runtimeApis.close(id);
                    return false;
                }
                logs.register(id, r.service());
                launched = instances.launch(spec, listener);
            } catch (RuntimeException e) {
                starts.ended(id);
                runtimeApis.close(id);
                throw e;
            }
            runtimeApis.attach(launched);
            byId.put(id, launched);
        }
        return true;
    }

    /** Whether the launch will take a prewarmed process rather than start one: then it costs no start slot. */
    private boolean pooled(LaunchSpec spec) {
        return spec.warmStart().map(w -> instances.pools().stream().anyMatch(p -> p.key().equals(w.key()) && p.idle() > 0))
                .orElse(false);
    }

    /**
     * Retires an instance the published route no longer names: no restart from now on; it keeps
     * serving until the callers that found it in the registry can have moved off it (the registry's
     * {@code callersGoneAt}, zero when no client fetched it), then once its requests in flight through
     * the gateway have ended (trusted {@link #ROUTE_SWAP_SETTLE} after the swap, waited for at most
     * {@code drain}), SIGTERM, and SIGKILL after the grace. Completes when it is stopped; at once for
     * one already retiring or gone.
     */
    CompletableFuture<Void> retire(String instanceId, Duration drain) {
        Instance instance = byId.get(instanceId);
        InstanceState state = instance == null ? InstanceState.STOPPED : instance.state();
        if (!ServiceSnapshot.LIVE.contains(state)) {
            return CompletableFuture.completedFuture(null);
        }
        instance.drain();   // out of the registry now: the wait below is measured from the last fetch that listed it
        Duration callers = Duration.between(clock.instant(), callersGoneAt.apply(instanceId));
        Duration settle = callers.compareTo(ROUTE_SWAP_SETTLE) > 0 ? callers : ROUTE_SWAP_SETTLE;
        if (callers.isPositive()) {
            servingUntil.put(instanceId, clock.instant().plus(callers));
        }
        CompletableFuture<Void> idle = state != InstanceState.READY ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> servingUntil.remove(instanceId),
                                CompletableFuture.delayedExecutor(settle.toMillis(), TimeUnit.MILLISECONDS))
                        .thenCompose(v -> gateway.whenIdle(instanceId).thenApply(x -> (Void) null)
                                .completeOnTimeout(null, drain.toMillis(), TimeUnit.MILLISECONDS));
        // The idle signal completes on a gateway event loop; a stop runs `kill`, so it goes elsewhere.
        Executor stopper = task -> Thread.ofVirtual().name("stop-" + instanceId).start(task);
        return idle.thenComposeAsync(v -> instance.stop(terminationGrace), stopper);
    }

    /** When the instance became ready; empty before, or for one not in view. */
    Optional<Instant> readyAt(String instanceId) {
        return Optional.ofNullable(byId.get(instanceId)).flatMap(Instance::readyAt);
    }

    /** Until when a draining instance keeps serving callers that found it in the registry; empty once that is over. */
    Optional<Instant> servingUntil(String instanceId) {
        return Optional.ofNullable(servingUntil.get(instanceId));
    }

    /** The instance's process is gone: its runtime keeps what it recorded for the next start (a JVM app's start cache). */
    void exited(Instance instance) {
        runtimes.exited(instance.id(), instance.readyAt().isPresent());
    }

    /** The start cache of a JVM app's revision, as {@code nubo describe} shows it; empty for other runtimes. */
    Optional<String> startCache(RevisionRecord r, Descriptor d) {
        return runtimes.startCache(d, artifacts.codeDir(r.digest()));
    }

    /** Drops instances a reconcile pass has seen gone. */
    void forget(List<String> instanceIds) {
        instanceIds.forEach(id -> {
            byId.remove(id);
            failures.remove(id);
        });
    }

    /** Drops what is kept about a deleted service's revisions; its instances are forgotten already. */
    void forgetService(String service) {
        warmKeys.remove(service);
    }

    private String suffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
