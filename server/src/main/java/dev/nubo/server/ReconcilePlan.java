package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.model.Descriptor;
import dev.nubo.model.RevisionState;
import dev.nubo.store.RevisionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one reconcile pass does to a service, decided from a {@link ServiceSnapshot} alone: pure, so
 * every rule below has its table test ({@code ReconcilePlanTest}). The actuators apply it in this
 * order: launches, the route, retirements (out of the route before they drain), statuses, events.
 *
 * <ul>
 *   <li>An instance that FAILED fails its revision (its reason, the runtime's words, its log tail).
 *   <li>The <b>candidate</b> is the newest DEPLOYING revision newer than every READY one; older
 *       DEPLOYING revisions fail as superseded. It gets {@code max(1, scale.min)} instances to prove it
 *       starts, or as many as the revision it will likely replace runs now (up to {@code scale.max}),
 *       so load does not land on one instance. Once that many are ready it is routed as if READY, and
 *       recorded READY after the route: whoever sees READY can already reach it.
 *   <li>The routed revisions are the service's {@link TrafficPlan}; each is sized to what the
 *       autoscaler wants, or {@code max(scale.min, live)} before it has decided.
 *   <li>Surplus instances retire not ready ones first (they serve nothing), then the least busy, then
 *       the newest. Revisions neither routed nor the candidate retire whole; so does a deleted service.
 *   <li>A fresh process start needs a machine-wide start slot; a launch that can take a prewarmed
 *       process needs none. What finds no slot waits ({@link #waitsForStart}); the candidate asks first.
 * </ul>
 *
 * @param launches instances to start, per revision, in order
 * @param waitsForStart some launch found no start slot: reconcile again when one frees
 * @param retires instances to take out of routing, drain and stop, in order
 * @param traffic how traffic is routed after this pass
 * @param route what to publish for the service; empty takes it off the gateway
 * @param statuses revision state changes to record, after the route is published
 * @param events what to add to the service's history
 * @param sized the revisions the autoscaler should size, with their policies: exactly those routed
 * @param forget instances that are gone (stopped or failed, and accounted for here), to drop from the fleet
 * @param gone the service was deleted and nothing of it runs any more: forget it, collect its code
 */
record ReconcilePlan(List<Launch> launches, boolean waitsForStart, List<Retire> retires, TrafficPlan traffic,
                     Optional<ServiceRoute> route, List<StatusChange> statuses, List<ServiceEvent> events,
                     Map<String, Descriptor.Scale> sized, List<String> forget, boolean gone) {

    /** Start {@code count} more instances of the revision; {@code proven} when it has served before. */
    record Launch(RevisionRecord revision, int count, boolean proven) {}

    /** Retire an instance; {@code drain} is how long its requests in flight may take (zero if it was not ready). */
    record Retire(String instanceId, Duration drain) {}

    /** A revision's new state. */
    sealed interface StatusChange {
        /** The revision as the snapshot read it: the write is conditional on its state and version. */
        RevisionRecord read();
    }

    record Ready(RevisionRecord read, Instant at) implements StatusChange {}

    record Failed(RevisionRecord read, String reason, List<String> logTail) implements StatusChange {}

    static ReconcilePlan plan(ServiceSnapshot snapshot, Instant now) {
        return new Pass(snapshot).plan(now);
    }

    /** The accumulators of one planning pass; thrown away once it returns the plan. */
    private static final class Pass {
        private final ServiceSnapshot s;
        private final List<Launch> launches = new ArrayList<>();
        private final Map<String, Integer> launched = new HashMap<>();
        private final Map<String, Integer> pooledLeft;
        private int startsLeft;
        private boolean waitsForStart;
        private final Set<String> retired = new LinkedHashSet<>();
        private final List<Retire> retires = new ArrayList<>();
        private final List<StatusChange> statuses = new ArrayList<>();
        private final List<ServiceEvent> events = new ArrayList<>();

        Pass(ServiceSnapshot s) {
            this.s = s;
            this.pooledLeft = new HashMap<>(s.pooledIdle());
            this.startsLeft = s.freeStarts();
        }

        ReconcilePlan plan(Instant now) {
            List<String> forget = s.instances().stream().filter(i -> i.state().isFinal()).map(ServiceSnapshot.Seen::id).toList();
            if (s.service().isEmpty()) {
                retireWhere(i -> true);
                boolean gone = s.instances().stream().allMatch(i -> i.state().isFinal());
                return new ReconcilePlan(List.of(), false, retires, TrafficPlan.none(), Optional.empty(), List.of(), List.of(),
                        Map.of(), forget, gone);
            }
            List<RevisionRecord> revisions = absorbFailures(s.revisions());
            Optional<RevisionRecord> newestReady = revisions.stream().filter(r -> r.state() == RevisionState.READY).findFirst();
            Optional<RevisionRecord> candidate = revisions.stream()
                    .filter(r -> r.state() == RevisionState.DEPLOYING)
                    .filter(r -> newestReady.isEmpty() || r.number() > newestReady.get().number())
                    .findFirst();
            revisions = failSuperseded(revisions, candidate);

            Optional<ServiceEvent> promoted = Optional.empty();
            if (candidate.isPresent()) {
                RevisionRecord c = candidate.get();
                Descriptor.Scale scale = s.descriptors().get(c.id()).scale();
                boolean site = StaticSites.isSite(s.descriptors().get(c.id()));  // the gateway serves it: no instance to prove
                int proving = site ? 0 : Math.max(1, scale.min());
                int replacing = s.routed().primary().map(this::live).orElse(0);
                launchUpTo(c, site ? 0 : Math.min(scale.max(), Math.max(proving, replacing)), false);
                if (ready(c.id()) >= proving) {
                    revisions = with(revisions, c, RevisionState.READY, Optional.empty(), List.of());
                    statuses.add(new Ready(c, now));
                    promoted = Optional.of(ServiceEvent.ready(c.id(), Duration.between(c.createdAt(), now)));
                }
            }

            TrafficPlan traffic = TrafficPlan.resolve(s.service().get(), revisions);
            Map<String, RevisionRecord> byId = new HashMap<>();
            revisions.forEach(r -> byId.put(r.id(), r));
            Map<String, Descriptor.Scale> sized = new LinkedHashMap<>();
            for (String id : traffic.routed()) {
                if (StaticSites.isSite(s.descriptors().get(id))) {
                    continue;  // served by the gateway: never an instance, whatever the autoscaler read
                }
                Descriptor.Scale scale = s.descriptors().get(id).scale();
                sized.put(id, scale);
                int live = live(id);
                int desired = s.desired().getOrDefault(id, Math.max(scale.min(), live));
                if (live < desired) {
                    launchUpTo(byId.get(id), desired, true);
                } else if (live > desired) {
                    shrink(id, live - desired);
                }
            }
            Set<String> keep = new HashSet<>(traffic.routed());
            candidate.ifPresent(c -> keep.add(c.id()));
            retireWhere(i -> !keep.contains(i.revision()));

            ServiceEvent.traffic(s.routed(), traffic).ifPresent(events::add);
            promoted.ifPresent(events::add);
            return new ReconcilePlan(launches, waitsForStart, retires, traffic, route(traffic), statuses, events, sized,
                    forget, false);
        }

        /** A revision with a FAILED instance fails, once; the plan goes on as if the store said so already. */
        private List<RevisionRecord> absorbFailures(List<RevisionRecord> revisions) {
            for (RevisionRecord r : revisions) {
                if (r.state() == RevisionState.FAILED) {
                    continue;
                }
                Optional<ServiceSnapshot.Failure> failure = s.instances().stream()
                        .filter(i -> i.revision().equals(r.id()))
                        .flatMap(i -> i.failure().stream()).findFirst();
                if (failure.isPresent()) {
                    revisions = fail(revisions, r, failure.get().reason(), failure.get().logTail());
                }
            }
            return revisions;
        }

        private List<RevisionRecord> failSuperseded(List<RevisionRecord> revisions, Optional<RevisionRecord> candidate) {
            for (RevisionRecord r : revisions) {
                if (r.state() == RevisionState.DEPLOYING && !Optional.of(r).equals(candidate)) {
                    revisions = fail(revisions, r, ServiceEvent.superseded(candidate.map(RevisionRecord::id)), List.of());
                }
            }
            return revisions;
        }

        private List<RevisionRecord> fail(List<RevisionRecord> revisions, RevisionRecord r, String reason, List<String> logTail) {
            statuses.add(new Failed(r, reason, logTail));
            events.add(ServiceEvent.failed(r.id(), reason));
            return with(revisions, r, RevisionState.FAILED, Optional.of(reason), logTail);
        }

        /** Launches instances of {@code r} until it has {@code count}, as far as pooled processes and start slots allow. */
        private void launchUpTo(RevisionRecord r, int count, boolean proven) {
            int wanted = count - live(r.id());
            if (wanted <= 0) {
                return;
            }
            int pooled = Math.min(wanted, pooledLeft.getOrDefault(r.id(), 0));
            int fresh = Math.min(wanted - pooled, startsLeft);
            pooledLeft.put(r.id(), pooledLeft.getOrDefault(r.id(), 0) - pooled);
            startsLeft -= fresh;
            waitsForStart |= pooled + fresh < wanted;
            if (pooled + fresh > 0) {
                launches.add(new Launch(r, pooled + fresh, proven));
                launched.merge(r.id(), pooled + fresh, Integer::sum);
            }
        }

        /** Retires {@code count} live instances of the revision: not ready ones first, then the least busy, then the newest. */
        private void shrink(String revision, int count) {
            s.instances().stream()
                    .filter(i -> i.revision().equals(revision) && i.live() && !retired.contains(i.id()))
                    .sorted(Comparator.comparing(ServiceSnapshot.Seen::ready)
                            .thenComparingInt(ServiceSnapshot.Seen::inFlight)
                            .thenComparing(ServiceSnapshot.Seen::createdAt, Comparator.reverseOrder()))
                    .limit(count)
                    .forEach(this::retire);
        }

        private void retireWhere(Predicate<ServiceSnapshot.Seen> which) {
            s.instances().stream().filter(i -> i.live() && !retired.contains(i.id())).filter(which).forEach(this::retire);
        }

        private void retire(ServiceSnapshot.Seen i) {
            Duration drain = i.ready() ? Optional.ofNullable(s.descriptors().get(i.revision()))
                    .map(Descriptor::drainTimeout).orElse(Duration.ZERO) : Duration.ZERO;
            retired.add(i.id());
            retires.add(new Retire(i.id(), drain));
        }

        /** Instances of the revision that serve or will: those seen live and not retired here, and those launched here. */
        private int live(String revision) {
            int seen = (int) s.instances().stream()
                    .filter(i -> i.revision().equals(revision) && i.live() && !retired.contains(i.id())).count();
            return seen + launched.getOrDefault(revision, 0);
        }

        private int ready(String revision) {
            return endpoints(revision).size();
        }

        private List<Endpoint> endpoints(String revision) {
            return s.instances().stream()
                    .filter(i -> i.revision().equals(revision) && i.ready() && !retired.contains(i.id()))
                    .map(ServiceSnapshot.Seen::endpoint).toList();
        }

        /** The gateway's view of the traffic: the primary revision's paths and limits, each routed revision's limits and ready instances. */
        private Optional<ServiceRoute> route(TrafficPlan traffic) {
            if (traffic.shares().isEmpty()) {
                return Optional.empty();
            }
            Map<String, RevisionRoute> revisions = new LinkedHashMap<>();
            for (String id : traffic.routed()) {
                Descriptor d = s.descriptors().get(id);
                Descriptor.Scale scale = d.scale();
                revisions.put(id, new RevisionRoute(id, d.timeout(), d.maxBodySize(), scale.limit(), scale.queue().length(),
                        scale.queue().maxWait().orElse(d.timeout()), endpoints(id)));
            }
            List<ServiceRoute.Share> shares = traffic.shares().entrySet().stream()
                    .map(e -> new ServiceRoute.Share(e.getKey(), e.getValue())).toList();
            List<String> paths = traffic.primary().map(id -> s.descriptors().get(id).paths()).orElse(List.of());
            // Limits and resilience are the service's, not a revision's: the primary revision's descriptor sets them, as it sets the paths.
            Descriptor.Limits limits = traffic.primary().map(id -> s.descriptors().get(id).limits()).orElse(Descriptor.Limits.NONE);
            dev.nubo.model.Resilience resilience = traffic.primary().map(id -> s.descriptors().get(id).resilience())
                    .orElse(dev.nubo.model.Resilience.NONE);
            return Optional.of(new ServiceRoute(s.name(), paths, shares, traffic.tags(), revisions, limits, resilience));
        }
    }

    /** The revisions with {@code r} in another state: what the store will say once the plan's statuses are written. */
    private static List<RevisionRecord> with(List<RevisionRecord> revisions, RevisionRecord r, RevisionState state,
                                             Optional<String> reason, List<String> logTail) {
        return revisions.stream().map(x -> x.id().equals(r.id())
                ? new RevisionRecord(x.id(), x.service(), x.number(), x.descriptorYaml(), x.digest(), state, reason, logTail,
                        x.createdAt(), state == RevisionState.READY ? Optional.of(x.createdAt()) : x.readyAt(), x.version())
                : x).toList();
    }
}
