package dev.nubo.server;

import dev.nubo.autoscaler.Autoscaler;
import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.autoscaler.ScalePolicy;
import dev.nubo.gateway.Gateway;
import dev.nubo.gateway.RevisionLoad;
import dev.nubo.model.Descriptor;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes every revision that takes traffic. Every {@link #TICK} it reads each tracked revision's load
 * from the gateway (in flight plus held: the gateway sees every request, so there is no scrape
 * lag), feeds it to that revision's {@link Autoscaler}, and when the decision changes tells the
 * reconciler, which starts or retires instances. A request held for a revision at zero pokes it at
 * once, so a cold start begins with the first request, not at the next tick.
 */
final class Scaler implements AutoCloseable {

    static final Duration TICK = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(Scaler.class);

    /** What the scaler needs from whoever runs the instances. */
    interface Fleet {
        /** Instances of the revision starting, ready or restarting. */
        int live(String service, String revision);

        int ready(String service, String revision);

        /**
         * The revision should have {@code decision.desired()} instances, not {@code live}: bring the
         * service in line. {@code announce} is true when the decision is new (worth an event), false
         * when it repeats one the fleet has not caught up with yet.
         */
        void resize(String service, String revision, ScaleDecision decision, int live, boolean announce);
    }

    private record Tracked(String service, Autoscaler autoscaler, long[] lastArrivals, ScaleDecision[] last) {}

    private final Gateway gateway;
    private final InstantSource clock;
    private final Fleet fleet;
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("nubo-scaler").daemon().factory());
    private final AtomicBoolean poked = new AtomicBoolean();

    Scaler(Gateway gateway, InstantSource clock, Fleet fleet) {
        this.gateway = gateway;
        this.clock = clock;
        this.fleet = fleet;
        gateway.onHold(revision -> poke());
        ticker.scheduleWithFixedDelay(this::tickSafely, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts sizing a revision that takes traffic; a no-op when it is already tracked. */
    void track(String service, String revision, Descriptor.Scale scale) {
        tracked.computeIfAbsent(revision, id -> {
            ScalePolicy policy = ScalePolicy.of(scale.min(), scale.max(), scale.target(), scale.window(), scale.idle());
            long arrivals = gateway.load(id).arrivals();
            return new Tracked(service, new Autoscaler(policy, clock.instant()), new long[] {arrivals}, new ScaleDecision[1]);
        });
    }

    /** Stops sizing a revision that no longer takes traffic; its instances are the reconciler's to retire. */
    void untrack(String revision) {
        tracked.remove(revision);
    }

    /** The count the autoscaler wants now, once it has decided anything. */
    Optional<Integer> desired(String revision) {
        return decision(revision).map(ScaleDecision::desired);
    }

    Optional<ScaleDecision> decision(String revision) {
        Tracked t = tracked.get(revision);
        return t == null ? Optional.empty() : Optional.ofNullable(t.last()[0]);
    }

    /** A request is waiting for room: decide now rather than at the next tick. */
    private void poke() {
        if (poked.compareAndSet(false, true)) {
            ticker.execute(() -> {
                poked.set(false);
                tickSafely();
            });
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
        var now = clock.instant();
        tracked.forEach((revision, t) -> {
            RevisionLoad load = gateway.load(revision);
            long arrived = load.arrivals() - t.lastArrivals()[0];
            t.lastArrivals()[0] = load.arrivals();
            t.autoscaler().observe(now, load.concurrency(), Math.max(0, arrived));
            int live = fleet.live(t.service(), revision);
            ScaleDecision decision = t.autoscaler().decide(now, live, fleet.ready(t.service(), revision));
            ScaleDecision before = t.last()[0];
            t.last()[0] = decision;
            boolean changed = before == null || before.desired() != decision.desired();
            if (decision.desired() != live || changed) {
                fleet.resize(t.service(), revision, decision, live, changed && decision.desired() != live);
            }
        });
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
