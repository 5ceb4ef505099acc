package dev.nubo.gateway;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A service route ready for the hot path: its upstreams resolved and a cursor for picking among them. */
final class Route {

    private final ServiceRoute service;
    private final Upstream[] upstreams;
    private final AtomicInteger cursor = new AtomicInteger();

    Route(ServiceRoute service, Upstream[] upstreams) {
        this.service = service;
        this.upstreams = upstreams;
    }

    ServiceRoute service() {
        return service;
    }

    String name() {
        return service.service();
    }

    /**
     * The upstream with the fewest requests in flight; ties go round-robin, because the scan starts
     * one further each call and keeps the first minimum it meets. {@code avoid} is skipped when there
     * is anything else to pick (a retry should go elsewhere). Empty when the route has no endpoints.
     */
    Optional<Upstream> pick(Upstream avoid) {
        int n = upstreams.length;
        if (n == 0) {
            return Optional.empty();
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        Upstream best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Upstream candidate = upstreams[(start + i) % n];
            if (candidate == avoid && n > 1) {
                continue;
            }
            int load = candidate.inFlight().get();
            if (load < bestLoad) {
                best = candidate;
                bestLoad = load;
            }
        }
        return Optional.of(best);
    }
}
