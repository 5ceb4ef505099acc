package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.gateway.Warmup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarmupRoutesTest {

    private static final Instant READY = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void eachEndpointOfARevisionWithAWarmupRampsFromWhenItsInstanceBecameReady() {
        ServiceRoute route = new ServiceRoute("svc", List.of(), List.of(new ServiceRoute.Share("svc-00002", 100)), Map.of(), Map.of(
                "svc-00002", RevisionRoute.of("svc-00002", Duration.ofSeconds(30), 1 << 20, List.of(
                        new Endpoint("svc-00002-aaaaa", "127.0.0.1", 9001), new Endpoint("svc-00002-bbbbb", "127.0.0.1", 9002)))));

        ServiceRoute warmed = WarmupRoutes.apply(route, revision -> Duration.ofSeconds(30),
                id -> id.endsWith("aaaaa") ? Optional.of(READY) : Optional.empty());

        assertThat(warmed.revisions().get("svc-00002").endpoints()).extracting(Endpoint::warmup)
                .containsExactly(new Warmup(READY, Duration.ofSeconds(30)), Warmup.NONE);
        assertThat(WarmupRoutes.apply(route, revision -> Duration.ZERO, id -> Optional.of(READY))).as("no warmup: as it was")
                .isEqualTo(route);
    }
}
