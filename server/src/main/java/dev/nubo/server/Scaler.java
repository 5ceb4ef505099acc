package dev.nubo.server;

import dev.nubo.autoscaler.Autoscaler;
import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.autoscaler.ScalePolicy;
import dev.nubo.gateway.Gateway;
import dev.nubo.gateway.RevisionLoad;
import dev.nubo.model.Descriptor;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes every revision that takes traffic. Every {@link #TICK} it reads each sized revision's load
 * from the gateway (in flight plus held: the gateway sees every request, so there is no scrape lag),
 * feeds it to that revision's {@link Autoscaler}, publishes the decision for reconcile passes to read
 * ({@link #decision}), and when the fleet should change asks for a pass of the service through the
 * work queue. A request held for a revision at zero pokes it at once, so a cold start begins with
 * the first request, not at the next tick.
 *
 * <p>A revision at zero that has been quiet for a whole stable window is <b>dormant</b>: its ticks are
 * skipped (with 1,000 such revisions they cost a tenth of a core) until a request is held for it, which
 * wakes it with a fresh autoscaler. Nothing is lost: its window holds only quiet samples by then, and a
 * fresh autoscaler decides a cold start exactly as that window would.
 *
 * <p>Threads: the per-revision state ({@code Sized}) belongs to the ticker thread alone; reconcile
 * passes change which revisions are sized by handing it a task ({@link #size}), and read decisions
 * from a concurrent map the ticker publishes to.
 */
final class Scaler implements AutoCloseable {

    static final Duration TICK = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(Scaler.class);

    /** What the scaler needs to know of the instances; called on the ticker thread. */
    interface Capacity {
        /** Instances of the revision starting, ready or restarting. */
        int live(String revision);

        int ready(String revision);
    }

    /**
     * What may hold a revision's scale-up below the autoscaler's wish (a namespace's quotas): the
     * decision to act on instead, its reason saying why. Called on the ticker thread, only to grow.
     */
    interface Cap {
        ScaleDecision cap(String service, String revision, int live, ScaleDecision wanted);
    }

    /** One sized revision. Only the ticker thread touches it. */
    private static final class Sized {
        final String service;
        final ScalePolicy policy;
        Autoscaler autoscaler;
        long arrivals;           // the gateway's count at the previous tick
        ScaleDecision last;      // null until the first decision
        boolean dormant;

        Sized(String service, ScalePolicy policy, Instant now, long arrivals) {
            this.service = service;
            this.policy = policy;
            this.autoscaler = new Autoscaler(policy, now);
            this.arrivals = arrivals;
        }
    }

    private final Gateway gateway;
    private final InstantSource clock;
    private final Capacity capacity;
    private final Consumer<String> reconcile;
    private final StatusWriter status;
    private final Map<String, Sized> sized = new HashMap<>();                    // ticker thread only
    private final Map<String, ScaleDecision> decisions = new ConcurrentHashMap<>();  // written by the ticker
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("nubo-scaler").daemon().factory());
    private final AtomicBoolean poked = new AtomicBoolean();
    private volatile Cap cap = (service, revision, live, wanted) -> wanted;
    /** Revisions a request was held for since the last tick: dormant ones among them wake. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /**
     * @param reconcile asks for a reconcile pass of a service (the work queue)
     * @param status where a new decision is recorded as a service event
     */
    Scaler(Gateway gateway, InstantSource clock, Capacity capacity, Consumer<String> reconcile, StatusWriter status) {
        this.gateway = gateway;
        this.clock = clock;
        this.capacity = capacity;
        this.reconcile = reconcile;
        this.status = status;
        gateway.onHold(revision -> {
            held.add(revision);
            poke();
        });
        ticker.scheduleWithFixedDelay(this::tickSafely, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sizes exactly these revisions of the service from now on (the ones it routes), each with its
     * policy: new ones start with a fresh autoscaler, those left out are forgotten. Returns at once.
     */
    void size(String service, Map<String, Descriptor.Scale> revisions) {
        Map<String, Descriptor.Scale> wanted = Map.copyOf(revisions);
        onTicker(() -> {
            sized.entrySet().removeIf(e -> {
                boolean dropped = e.getValue().service.equals(service) && !wanted.containsKey(e.getKey());
                if (dropped) {
                    decisions.remove(e.getKey());
                }
                return dropped;
            });
            wanted.forEach((id, scale) -> sized.computeIfAbsent(id, r -> new Sized(service,
                    ScalePolicy.of(scale.min(), scale.max(), scale.target(), scale.window(), scale.idle()), clock.instant(),
                    gateway.load(r).arrivals())));
        });
    }

    /** From now on, scale-ups go through {@code cap}. */
    void capWith(Cap cap) {
        this.cap = cap;
    }

    /** What the autoscaler last decided for a sized revision. */
    Optional<ScaleDecision> decision(String revision) {
        return Optional.ofNullable(decisions.get(revision));
    }

    /** A request is waiting for room: decide now rather than at the next tick. */
    private void poke() {
        if (poked.compareAndSet(false, true)) {
            onTicker(() -> {
                poked.set(false);
                tickSafely();
            });
        }
    }

    private void onTicker(Runnable task) {
        try {
            ticker.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing is sized any more
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("autoscaling tick failed; trying again at the next one", e);
        }
    }

    private void tick() {
        Instant now = clock.instant();
        for (var it = held.iterator(); it.hasNext(); ) {
            Sized t = sized.get(it.next());
            it.remove();
            if (t != null && t.dormant) {
                t.dormant = false;
                t.autoscaler = new Autoscaler(t.policy, now);
            }
        }
        sized.forEach((revision, t) -> {
            if (t.dormant) {
                return;
            }
            RevisionLoad load = gateway.load(revision);
            long arrived = load.arrivals() - t.arrivals;
            t.arrivals = load.arrivals();
            t.autoscaler.observe(now, load.concurrency(), Math.max(0, arrived));
            int live = capacity.live(revision);
            ScaleDecision decision = t.autoscaler.decide(now, live, capacity.ready(revision));
            if (decision.desired() > live) {
                decision = cap.cap(t.service, revision, live, decision);
            }
            t.dormant = dormant(decision, live, load.concurrency() + arrived, t.autoscaler.lastActivity(), t.policy, now);
            boolean changed = t.last == null || t.last.desired() != decision.desired();
            t.last = decision;
            decisions.put(revision, decision);
            if (decision.desired() != live || changed) {
                // The reconcile first: from zero, a request waits for the instance it starts.
                reconcile.accept(t.service);
                if (changed && decision.desired() != live) {
                    announce(t.service, revision, decision);
                }
            }
        });
    }

    /**
     * Whether a revision can sleep until a request is held for it: it wants and has no instance, sees
     * no request, and has been quiet for a whole stable window, so every sample its autoscaler still
     * holds is a quiet one.
     */
    static boolean dormant(ScaleDecision decision, int live, double demand, Instant lastActivity, ScalePolicy policy, Instant now) {
        return decision.desired() == 0 && live == 0 && demand == 0
                && !lastActivity.plus(policy.stableWindow()).isAfter(now);
    }

    private void announce(String service, String revision, ScaleDecision decision) {
        try {
            status.record(service, ServiceEvent.scaled(revision, decision));
        } catch (RuntimeException e) {
            log.warn("{}: could not record the scaling of {} ({}); it applies all the same", service, revision, decision.reason(), e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
