package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.gateway.Warmup;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code scale.warmup} on a route: each endpoint of a revision that sets one ramps up from the moment
 * its instance became ready, so the same instance gets the same ramp in every table published.
 */
final class WarmupRoutes {

    private WarmupRoutes() {}

    /**
     * @param warmupOf a revision's {@code scale.warmup} (zero for none)
     * @param readyAt  when an instance became ready (empty when it is not known here)
     */
    static ServiceRoute apply(ServiceRoute route, Function<String, Duration> warmupOf, Function<String, Optional<Instant>> readyAt) {
        Map<String, RevisionRoute> revisions = new LinkedHashMap<>();
        route.revisions().forEach((id, r) -> {
            Duration warmup = warmupOf.apply(id);
            revisions.put(id, warmup.isZero() ? r : r.withEndpoints(r.endpoints().stream()
                    .map(e -> endpoint(e, warmup, readyAt.apply(e.instanceId()))).toList()));
        });
        return route.with(route.tags(), revisions);
    }

    static Endpoint endpoint(Endpoint e, Duration warmup, Optional<Instant> readyAt) {
        return warmup.isZero() || readyAt.isEmpty() ? e : e.warming(new Warmup(readyAt.get(), warmup));
    }
}
