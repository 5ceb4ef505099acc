package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.instances.InstanceState;
import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each rule of a reconcile pass, on snapshots built by hand: no processes, no sockets, no store. */
class ReconcilePlanTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    private static final Instant NOW = T0.plusSeconds(5);
    private static final Duration DRAIN = Duration.ofSeconds(30);  // the descriptor's default drainTimeout

    /** A snapshot of service "shop", built up one fact at a time. */
    private static final class Snap {
        private Optional<ServiceRecord> service = Optional.of(new ServiceRecord("shop", T0, Optional.empty(), Traffic.latest(), 1));
        private final List<RevisionRecord> revisions = new ArrayList<>();  // newest first, as the store lists them
        private final List<ServiceSnapshot.Seen> instances = new ArrayList<>();
        private final Map<String, Integer> desired = new HashMap<>();
        private final Map<String, Integer> pooled = new HashMap<>();
        private TrafficPlan routed = TrafficPlan.none();
        private int freeStarts = 8;

        Snap revision(int number, RevisionState state, String yaml) {
            revisions.addFirst(new RevisionRecord(id(number), "shop", number,
                    "name: shop\nruntime: process\ncommand: [python3, app.py]\n" + yaml, "sha256:" + number, state,
                    Optional.empty(), List.of(), T0, Optional.empty(), 1));
            return this;
        }

        Snap revision(int number, RevisionState state) {
            return revision(number, state, "");
        }

        Snap site(int number, RevisionState state) {
            revisions.addFirst(new RevisionRecord(id(number), "shop", number, "name: shop\nruntime: static\n", "sha256:" + number, state,
                    Optional.empty(), List.of(), T0, Optional.empty(), 1));
            return this;
        }

        Snap instance(String suffix, int revision, InstanceState state, int inFlight) {
            Optional<ServiceSnapshot.Failure> failure = state == InstanceState.FAILED
                    ? Optional.of(new ServiceSnapshot.Failure("exited with code 3 before becoming ready", List.of("missing DATABASE_URL")))
                    : Optional.empty();
            instances.add(new ServiceSnapshot.Seen(id(revision) + "-" + suffix, id(revision), state,
                    T0.plusMillis(instances.size()), "127.0.0.1", 40_000 + instances.size(), inFlight, failure));
            return this;
        }

        Snap instance(String suffix, int revision, InstanceState state) {
            return instance(suffix, revision, state, 0);
        }

        Snap routed(int revision) {
            routed = new TrafficPlan(Map.of(id(revision), 100), Map.of());
            return this;
        }

        Snap traffic(Optional<String> pin, Traffic traffic) {
            service = Optional.of(new ServiceRecord("shop", T0, pin, traffic, 2));
            return this;
        }

        Snap desired(int revision, int count) {
            desired.put(id(revision), count);
            return this;
        }

        Snap starts(int free) {
            freeStarts = free;
            return this;
        }

        Snap pooled(int revision, int idle) {
            pooled.put(id(revision), idle);
            return this;
        }

        Snap deleted() {
            service = Optional.empty();
            revisions.clear();
            return this;
        }

        ReconcilePlan plan() {
            var descriptors = new HashMap<String, dev.nubo.model.Descriptor>();
            revisions.forEach(r -> descriptors.put(r.id(), r.descriptor()));
            return ReconcilePlan.plan(new ServiceSnapshot("shop", service, revisions, descriptors, instances, desired, routed,
                    freeStarts, pooled), NOW);
        }
    }

    private static String id(int number) {
        return RevisionRecord.id("shop", number);
    }

    private static List<String> launches(ReconcilePlan plan) {
        return plan.launches().stream().map(l -> l.revision().id() + " x" + l.count() + (l.proven() ? "" : " to prove")).toList();
    }

    /** Each status change, with the revision it is conditional on as the snapshot read it (version 1). */
    private static List<String> statuses(ReconcilePlan plan) {
        return plan.statuses().stream().map(c -> switch (c) {
            case ReconcilePlan.Ready r -> r.read().id() + " READY at " + r.at() + (r.read().version() == 1 ? "" : " !");
            case ReconcilePlan.Failed f -> f.read().id() + " FAILED: " + f.reason() + " " + f.logTail() + (f.read().version() == 1 ? "" : " !");
        }).toList();
    }

    private static List<String> retired(ReconcilePlan plan) {
        return plan.retires().stream().map(ReconcilePlan.Retire::instanceId).toList();
    }

    private static List<String> events(ReconcilePlan plan) {
        return plan.events().stream().map(ServiceEvent::message).toList();
    }

    private static List<String> endpoints(ReconcilePlan plan, int revision) {
        return plan.route().orElseThrow().revisions().get(id(revision)).endpoints().stream().map(Endpoint::instanceId).toList();
    }

    // --- candidates ---

    @Test
    void aStaticSiteIsReadyAtOnceAndNeverLaunchedWhateverTheAutoscalerWants() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).instance("a", 1, InstanceState.READY).routed(1)
                .site(2, RevisionState.DEPLOYING).desired(2, 3).plan();

        assertThat(launches(plan)).isEmpty();
        assertThat(statuses(plan)).containsExactly("shop-00002 READY at " + NOW);
        assertThat(plan.traffic().shares()).containsExactly(java.util.Map.entry(id(2), 100));
        assertThat(retired(plan)).containsExactly("shop-00001-a");
    }

    @Test
    void provesAFirstDeployWithOneInstanceAndRoutesNothingYet() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.DEPLOYING).plan();

        assertThat(launches(plan)).containsExactly("shop-00001 x1 to prove");
        assertThat(plan.route()).isEmpty();
        assertThat(plan.statuses()).isEmpty();
        assertThat(plan.sized()).isEmpty();
    }

    @Test
    void provesACandidateWithScaleMinInstancesOrAsManyAsTheRevisionItReplacesRunsUpToItsMax() {
        assertThat(launches(new Snap().revision(1, RevisionState.DEPLOYING, "scale: {min: 2}\n").plan()))
                .containsExactly("shop-00001 x2 to prove");

        ReconcilePlan replacing = new Snap().revision(1, RevisionState.READY).routed(1)
                .instance("a", 1, InstanceState.READY).instance("b", 1, InstanceState.READY).instance("c", 1, InstanceState.STARTING)
                .revision(2, RevisionState.DEPLOYING, "scale: {max: 2}\n").plan();

        assertThat(launches(replacing)).as("three live, but max 2").containsExactly("shop-00002 x2 to prove");
    }

    @Test
    void aCandidateNotYetProvenTakesNoTrafficAndKeepsItsInstances() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .revision(2, RevisionState.DEPLOYING).instance("b", 2, InstanceState.STARTING).plan();

        assertThat(plan.route().orElseThrow().split()).containsExactly(new ServiceRoute.Share("shop-00001", 100));
        assertThat(plan.launches()).isEmpty();
        assertThat(plan.retires()).isEmpty();
        assertThat(plan.statuses()).isEmpty();
        assertThat(events(plan)).isEmpty();
    }

    @Test
    void promotesAProvenCandidateByRoutingItInTheSamePlanThatRecordsItReady() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY, 2)
                .revision(2, RevisionState.DEPLOYING).instance("b", 2, InstanceState.READY).plan();

        assertThat(plan.route().orElseThrow().split()).containsExactly(new ServiceRoute.Share("shop-00002", 100));
        assertThat(endpoints(plan, 2)).containsExactly("shop-00002-b");
        assertThat(statuses(plan)).containsExactly("shop-00002 READY at " + NOW);
        assertThat(plan.retires()).containsExactly(new ReconcilePlan.Retire("shop-00001-a", DRAIN));
        assertThat(events(plan)).containsExactly("traffic moved from shop-00001 to shop-00002", "shop-00002 is ready (in 5000 ms)");
        assertThat(plan.sized()).containsOnlyKeys("shop-00002");
    }

    @Test
    void aFirstRevisionThatIsProvenStartsServing() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.DEPLOYING).instance("a", 1, InstanceState.READY).plan();

        assertThat(endpoints(plan, 1)).containsExactly("shop-00001-a");
        assertThat(events(plan)).containsExactly("shop-00001 is serving", "shop-00001 is ready (in 5000 ms)");
    }

    @Test
    void anOlderCandidateIsSupersededByANewerDeployAndRetired() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .revision(2, RevisionState.DEPLOYING).instance("b", 2, InstanceState.STARTING)
                .revision(3, RevisionState.DEPLOYING).plan();

        String reason = "superseded by shop-00003 before it became ready";
        assertThat(statuses(plan)).containsExactly("shop-00002 FAILED: " + reason + " []");
        assertThat(events(plan)).containsExactly("shop-00002 failed: " + reason);
        assertThat(plan.retires()).containsExactly(new ReconcilePlan.Retire("shop-00002-b", Duration.ZERO));
        assertThat(launches(plan)).containsExactly("shop-00003 x1 to prove");
    }

    // --- failures ---

    @Test
    void aFailedInstanceFailsItsCandidateWithItsReasonAndLogTailAndIsForgotten() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .revision(2, RevisionState.DEPLOYING).instance("b", 2, InstanceState.FAILED).plan();

        assertThat(statuses(plan)).containsExactly("shop-00002 FAILED: exited with code 3 before becoming ready [missing DATABASE_URL]");
        assertThat(events(plan)).containsExactly("shop-00002 failed: exited with code 3 before becoming ready");
        assertThat(plan.forget()).containsExactly("shop-00002-b");
        assertThat(plan.launches()).as("a failed candidate is not retried").isEmpty();
        assertThat(plan.route().orElseThrow().split()).containsExactly(new ServiceRoute.Share("shop-00001", 100));
    }

    @Test
    void aRoutedRevisionThatFailsHandsItsTrafficToTheNewestReadyOne() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY)
                .revision(2, RevisionState.READY).routed(2).instance("x", 2, InstanceState.FAILED).instance("y", 2, InstanceState.READY)
                .plan();

        assertThat(plan.statuses()).extracting(c -> c.read().id()).containsExactly("shop-00002");
        assertThat(plan.route().orElseThrow().split()).containsExactly(new ServiceRoute.Share("shop-00001", 100));
        assertThat(endpoints(plan, 1)).as("at zero: the first request starts it").isEmpty();
        assertThat(retired(plan)).containsExactly("shop-00002-y");
        assertThat(events(plan)).containsExactly("shop-00002 failed: exited with code 3 before becoming ready",
                "traffic moved from shop-00002 to shop-00001");
    }

    @Test
    void aFailedInstanceOfARevisionFailedBeforeChangesNothingButIsForgotten() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .revision(2, RevisionState.FAILED).instance("b", 2, InstanceState.FAILED).plan();

        assertThat(plan.statuses()).isEmpty();
        assertThat(events(plan)).isEmpty();
        assertThat(plan.forget()).containsExactly("shop-00002-b");
    }

    // --- scaling ---

    @Test
    void scalesUpToWhatTheAutoscalerWants() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .desired(1, 3).plan();

        assertThat(launches(plan)).containsExactly("shop-00001 x2");
        assertThat(endpoints(plan, 1)).containsExactly("shop-00001-a");
    }

    @Test
    void beforeTheAutoscalerDecidesARoutedRevisionKeepsWhatItRunsAndAtLeastItsMin() {
        assertThat(launches(new Snap().revision(1, RevisionState.READY, "scale: {min: 2}\n").routed(1)
                .instance("a", 1, InstanceState.READY).plan())).containsExactly("shop-00001 x1");
        assertThat(new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .instance("b", 1, InstanceState.READY).plan().retires()).isEmpty();
    }

    @Test
    void scalesDownRetiringInstancesNotReadyFirstThenTheLeastBusyAndTakesThemOutOfTheRoute() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1)
                .instance("a", 1, InstanceState.READY, 5).instance("b", 1, InstanceState.READY, 0)
                .instance("c", 1, InstanceState.STARTING).instance("d", 1, InstanceState.READY, 2)
                .instance("e", 1, InstanceState.DRAINING).desired(1, 2).plan();

        assertThat(plan.retires()).containsExactly(new ReconcilePlan.Retire("shop-00001-c", Duration.ZERO),
                new ReconcilePlan.Retire("shop-00001-b", DRAIN));
        assertThat(endpoints(plan, 1)).containsExactly("shop-00001-a", "shop-00001-d");
    }

    @Test
    void scalesToZeroWhenTheAutoscalerSaysSo() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .desired(1, 0).plan();

        assertThat(retired(plan)).containsExactly("shop-00001-a");
        assertThat(plan.route()).as("still routed: requests are held while it starts again").isPresent();
        assertThat(endpoints(plan, 1)).isEmpty();
    }

    @Test
    void goneInstancesAreForgottenAndDoNotCount() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.STOPPED)
                .desired(1, 1).plan();

        assertThat(plan.forget()).containsExactly("shop-00001-a");
        assertThat(launches(plan)).containsExactly("shop-00001 x1");
    }

    // --- start slots ---

    @Test
    void freshStartsWaitForAStartSlotWhilePooledProcessesNeedNone() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .desired(1, 5).starts(1).pooled(1, 2).plan();

        assertThat(launches(plan)).containsExactly("shop-00001 x3");
        assertThat(plan.waitsForStart()).isTrue();

        ReconcilePlan none = new Snap().revision(1, RevisionState.READY).routed(1).desired(1, 1).starts(0).plan();
        assertThat(none.launches()).isEmpty();
        assertThat(none.waitsForStart()).isTrue();
    }

    @Test
    void theCandidateTakesAStartSlotBeforeTheRoutedRevisionsGrow() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY)
                .desired(1, 3).revision(2, RevisionState.DEPLOYING).starts(1).plan();

        assertThat(launches(plan)).containsExactly("shop-00002 x1 to prove");
        assertThat(plan.waitsForStart()).isTrue();
    }

    @Test
    void enoughSlotsMeansNoWait() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).desired(1, 2).starts(2).plan();

        assertThat(launches(plan)).containsExactly("shop-00001 x2");
        assertThat(plan.waitsForStart()).isFalse();
    }

    // --- traffic ---

    @Test
    void aRollbackPinRoutesTheOlderRevisionAndRetiresTheNewer() {
        ReconcilePlan plan = new Snap().traffic(Optional.of("shop-00001"), Traffic.latest())
                .revision(1, RevisionState.READY).revision(2, RevisionState.READY).routed(2).instance("b", 2, InstanceState.READY)
                .plan();

        assertThat(plan.route().orElseThrow().split()).containsExactly(new ServiceRoute.Share("shop-00001", 100));
        assertThat(plan.retires()).containsExactly(new ReconcilePlan.Retire("shop-00002-b", DRAIN));
        assertThat(events(plan)).containsExactly("traffic moved from shop-00002 to shop-00001");
    }

    @Test
    void aSplitWithATagSizesAndRoutesEveryRevisionItNamesWithThePrimarysPaths() {
        Traffic traffic = Traffic.parse(List.of("shop-00001=90", "shop-00002=10"), List.of("canary=shop-00003"));
        ReconcilePlan plan = new Snap().traffic(Optional.empty(), traffic)
                .revision(1, RevisionState.READY, "paths: [/shop]\n").instance("a", 1, InstanceState.READY)
                .revision(2, RevisionState.READY, "paths: [/next]\n").instance("b", 2, InstanceState.READY)
                .revision(3, RevisionState.READY).instance("c", 3, InstanceState.READY)
                .routed(1).plan();

        ServiceRoute route = plan.route().orElseThrow();
        assertThat(route.split()).containsExactly(new ServiceRoute.Share("shop-00001", 90), new ServiceRoute.Share("shop-00002", 10));
        assertThat(route.tags()).containsExactly(Map.entry("canary", "shop-00003"));
        assertThat(route.paths()).containsExactly("/shop");
        assertThat(plan.sized()).containsOnlyKeys("shop-00001", "shop-00002", "shop-00003");
        assertThat(plan.retires()).isEmpty();
        assertThat(events(plan)).containsExactly("traffic: shop-00001 90%, shop-00002 10%; tags: canary=shop-00003");
    }

    @Test
    void recordsNoTrafficEventWhenTheRoutingStaysAsItIs() {
        ReconcilePlan plan = new Snap().revision(1, RevisionState.READY).routed(1).instance("a", 1, InstanceState.READY).plan();

        assertThat(events(plan)).isEmpty();
        assertThat(plan.route()).isPresent();
    }

    // --- deletes ---

    @Test
    void aDeletedServiceRetiresEverythingAndIsGoneOnceNothingRuns() {
        ReconcilePlan deleting = new Snap().revision(1, RevisionState.READY).routed(1)
                .instance("a", 1, InstanceState.READY).instance("b", 1, InstanceState.STARTING).deleted().plan();

        assertThat(retired(deleting)).containsExactly("shop-00001-a", "shop-00001-b");
        assertThat(deleting.route()).isEmpty();
        assertThat(deleting.traffic()).isEqualTo(TrafficPlan.none());
        assertThat(deleting.sized()).isEmpty();
        assertThat(deleting.events()).as("a deleted service has no history to add to").isEmpty();
        assertThat(deleting.gone()).isFalse();

        ReconcilePlan gone = new Snap().instance("a", 1, InstanceState.STOPPED).instance("b", 1, InstanceState.FAILED).deleted().plan();
        assertThat(gone.gone()).isTrue();
        assertThat(gone.forget()).containsExactly("shop-00001-a", "shop-00001-b");
        assertThat(gone.statuses()).isEmpty();
    }
}
