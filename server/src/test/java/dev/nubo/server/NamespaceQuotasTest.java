package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.store.Namespaces;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a namespace's quotas hold back the autoscaler: the room each leaves, and the decision they cap. */
class NamespaceQuotasTest {

    private static final long MI = 1L << 20;
    private static final ScaleDecision FIVE = new ScaleDecision(5, ScaleDecision.Mode.PANIC, 4.0, 9.0, "9 requests in flight, 2 per instance");

    private static Namespaces.Namespace quotas(long instances, long memory) {
        return new Namespaces.Namespace("team-a", 0, instances, memory, Instant.EPOCH);
    }

    @Test
    void theTighterOfTheInstanceAndMemoryQuotasLeavesTheRoom() {
        assertThat(NamespaceQuotas.room(quotas(0, 0), 3, 3 * 256 * MI, 256 * MI)).isEmpty();
        assertThat(NamespaceQuotas.room(quotas(4, 0), 3, 0, 256 * MI)).contains(new NamespaceQuotas.Room("max-instances 4", 1));
        assertThat(NamespaceQuotas.room(quotas(10, 1024 * MI), 2, 512 * MI, 256 * MI)).contains(new NamespaceQuotas.Room("max-memory 1Gi", 2));
        assertThat(NamespaceQuotas.room(quotas(3, 0), 5, 0, 256 * MI)).as("over already: no room, never less")
                .contains(new NamespaceQuotas.Room("max-instances 3", 0));
    }

    @Test
    void aScaleUpPastTheRoomIsHeldThereAndItsReasonNamesTheQuota() {
        ScaleDecision held = NamespaceQuotas.capped(FIVE, 2, "team-a", Optional.of(new NamespaceQuotas.Room("max-instances 3", 1)));

        assertThat(held.desired()).isEqualTo(3);
        assertThat(held.mode()).isEqualTo(ScaleDecision.Mode.PANIC);
        assertThat(held.reason()).isEqualTo("9 requests in flight, 2 per instance; held at 3 instead of 5 by namespace team-a's quota max-instances 3");
        assertThat(NamespaceQuotas.capped(FIVE, 2, "team-a", Optional.of(new NamespaceQuotas.Room("max-instances 9", 3)))).isSameAs(FIVE);
        assertThat(NamespaceQuotas.capped(FIVE, 2, "team-a", Optional.empty())).isSameAs(FIVE);
    }
}
