package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrafficPlanTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    private static RevisionRecord revision(int number, RevisionState state) {
        return new RevisionRecord("shop-%05d".formatted(number), "shop", number, "name: shop", "sha256:x", state,
                Optional.empty(), List.of(), T0, Optional.empty(), 1);
    }

    private static ServiceRecord service(Optional<String> pin, Traffic traffic) {
        return new ServiceRecord("shop", T0, pin, traffic, 1);
    }

    /** Newest first, as the store lists them. */
    private static final List<RevisionRecord> REVISIONS = List.of(
            revision(4, RevisionState.DEPLOYING), revision(3, RevisionState.FAILED),
            revision(2, RevisionState.READY), revision(1, RevisionState.READY));

    @Test
    void latestMeansTheNewestReadyRevision() {
        TrafficPlan plan = TrafficPlan.resolve(service(Optional.empty(), Traffic.latest()), REVISIONS);

        assertThat(plan.shares()).containsExactly(Map.entry("shop-00002", 100));
        assertThat(plan.primary()).contains("shop-00002");
    }

    @Test
    void aPinOverridesTheSplitButKeepsTheTags() {
        Traffic traffic = Traffic.parse(List.of("latest=100"), List.of("old=shop-00001"));

        TrafficPlan plan = TrafficPlan.resolve(service(Optional.of("shop-00001"), traffic), REVISIONS);

        assertThat(plan.shares()).containsExactly(Map.entry("shop-00001", 100));
        assertThat(plan.tags()).containsExactly(Map.entry("old", "shop-00001"));
    }

    @Test
    void aShareOfARevisionThatIsNotReadyGoesToTheNewestReadyOne() {
        Traffic traffic = Traffic.parse(List.of("shop-00001=80", "shop-00003=20"), List.of("canary=shop-00003"));

        TrafficPlan plan = TrafficPlan.resolve(service(Optional.empty(), traffic), REVISIONS);

        assertThat(plan.shares()).containsExactly(Map.entry("shop-00001", 80), Map.entry("shop-00002", 20));
        assertThat(plan.tags()).isEmpty();
        assertThat(plan.describe()).isEqualTo("shop-00001 80%, shop-00002 20%");
    }

    @Test
    void mergesALatestShareThatNamesTheSameRevisionAndDropsZeroShares() {
        Traffic traffic = Traffic.parse(List.of("shop-00002=60", "latest=40", "shop-00001=0"), List.of());

        TrafficPlan plan = TrafficPlan.resolve(service(Optional.empty(), traffic), REVISIONS);

        assertThat(plan.shares()).containsExactly(Map.entry("shop-00002", 100));
        assertThat(plan.routed()).containsExactly("shop-00002");
    }

    @Test
    void routesTaggedRevisionsThatTakeNoShare() {
        Traffic traffic = Traffic.parse(List.of("shop-00001=100"), List.of("next=latest"));

        TrafficPlan plan = TrafficPlan.resolve(service(Optional.empty(), traffic), REVISIONS);

        assertThat(plan.routed()).containsExactly("shop-00001", "shop-00002");
        assertThat(plan.primary()).contains("shop-00001");
    }

    @Test
    void nothingReadyMeansNoTraffic() {
        TrafficPlan plan = TrafficPlan.resolve(service(Optional.empty(), Traffic.latest()),
                List.of(revision(1, RevisionState.DEPLOYING)));

        assertThat(plan.shares()).isEmpty();
        assertThat(plan.primary()).isEmpty();
        assertThat(plan.describe()).isEqualTo("no revision");
    }
}
