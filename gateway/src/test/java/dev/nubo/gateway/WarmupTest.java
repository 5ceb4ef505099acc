package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code scale.warmup}: a new instance's share of its revision's traffic ramps up over the period. */
class WarmupTest {

    private static final Instant READY = Instant.parse("2026-12-03T12:00:00Z");
    private final InFlight inFlight = new InFlight(256);
    private final AtomicLong now = new AtomicLong(READY.toEpochMilli());
    private double draw;

    @Test
    void aWarmingInstanceGetsAShareThatGrowsWithTheTimeSinceItBecameReady() {
        Target target = target(new Endpoint("old", "127.0.0.1", 9001),
                new Endpoint("new", "127.0.0.1", 9002).warming(new Warmup(READY, Duration.ofSeconds(30))));

        assertThat(sharesOfNew(target)).as("at first: the floor, a tenth of its share").isEqualTo(10);
        now.set(READY.plusSeconds(15).toEpochMilli());
        assertThat(sharesOfNew(target)).as("half way").isEqualTo(50);
        now.set(READY.plusSeconds(30).toEpochMilli());
        assertThat(sharesOfNew(target)).as("warm: its whole share, round-robin with the other").isEqualTo(100);
    }

    @Test
    void aWarmingInstanceServesWhenNoOtherHasRoom() {
        Target alone = target(new Endpoint("new", "127.0.0.1", 9002).warming(new Warmup(READY, Duration.ofSeconds(30))));
        draw = 0.99;

        Upstream claimed = alone.claim();

        assertThat(claimed.instanceId()).isEqualTo("new");
    }

    /**
     * Of 200 requests that each find both instances idle, how many the new one serves, over draws
     * spread evenly in [0, 1): with round-robin ties it would serve 100 warm.
     */
    private int sharesOfNew(Target target) {
        int served = 0;
        for (int i = 0; i < 200; i++) {
            draw = (i / 2) / 100.0;     // each draw twice, once per round-robin turn
            Upstream u = target.claim();
            if (u.instanceId().equals("new")) {
                served++;
            }
            u.unclaim();
        }
        return served;
    }

    private Target target(Endpoint... endpoints) {
        RevisionRoute revision = RevisionRoute.of("svc-r1", Duration.ofSeconds(30), 1 << 20, List.of(endpoints));
        Demand demand = new Demand("svc-r1");
        Upstream[] upstreams = java.util.Arrays.stream(endpoints).map(e -> new Upstream(e, inFlight.slots(e.instanceId()), demand))
                .toArray(Upstream[]::new);
        return new Target(revision, upstreams, demand, now::get, () -> draw);
    }
}
