package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A routed revision ready for the hot path: its upstreams resolved, a cursor for spreading load
 * among them, and its {@link Demand}, which outlives route tables.
 */
final class Target {

    private final RevisionRoute revision;
    private final Upstream[] upstreams;
    private final Demand demand;
    private final AtomicInteger cursor = new AtomicInteger();

    Target(RevisionRoute revision, Upstream[] upstreams, Demand demand) {
        this.revision = revision;
        this.upstreams = upstreams;
        this.demand = demand;
    }

    RevisionRoute revision() {
        return revision;
    }

    Demand demand() {
        return demand;
    }

    Upstream[] upstreams() {
        return upstreams;
    }

    /**
     * Claims the upstream with the fewest requests in flight among those with room: under the
     * revision's {@code scale.limit} if it sets one, else under the instance's learned limit, and not
     * pausing after a failed connection. Ties go round-robin, because the scan starts one further
     * each call and keeps the first minimum it meets. Null when no instance has room, or there is none.
     */
    Upstream claim() {
        return claim(null);
    }

    /** As {@link #claim()}, passing over {@code except} (the instance a retry leaves); null when no other has room. */
    Upstream claim(Upstream except) {
        int n = upstreams.length;
        int cap = revision.limit();
        for (int attempt = 0; attempt <= n; attempt++) {
            Upstream best = leastLoadedWithRoom(cap, except);
            if (best == null) {
                return null;
            }
            if (best.tryClaim(cap)) {
                return best;
            }
            // Another event loop took the last slot between the scan and the claim; look again.
        }
        return null;
    }

    /**
     * Instances ejected for failing ({@link Ejection}) are passed over while any other is in picking
     * (with room or not: a request then waits for a healthy one); when all are ejected, they serve
     * rather than nobody.
     */
    private Upstream leastLoadedWithRoom(int cap, Upstream except) {
        int n = upstreams.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        Upstream best = null;
        int bestLoad = Integer.MAX_VALUE;
        boolean passedOver = false;
        boolean anyIn = false;
        for (int i = 0; i < n; i++) {
            Upstream candidate = upstreams[(start + i) % n];
            if (candidate == except) {
                continue;
            }
            if (candidate.ejection().mayBeOut() && candidate.ejection().out(System.nanoTime())) {
                passedOver = true;
                continue;
            }
            anyIn = true;
            int load = candidate.inFlight().get();
            if (load < bestLoad && candidate.hasRoom(cap)) {
                best = candidate;
                bestLoad = load;
            }
        }
        if (passedOver && !anyIn) {
            for (int i = 0; i < n; i++) {
                Upstream candidate = upstreams[(start + i) % n];
                int load = candidate.inFlight().get();
                if (candidate != except && load < bestLoad && candidate.hasRoom(cap)) {
                    best = candidate;
                    bestLoad = load;
                }
            }
        }
        return best;
    }

    /** Whether an instance other than {@code one} is in picking at {@code now}: then {@code one} may be ejected. */
    boolean othersServe(Upstream one, long now) {
        for (Upstream u : upstreams) {
            if (u != one && !u.ejection().out(now)) {
                return true;
            }
        }
        return false;
    }

    int inFlight() {
        int sum = 0;
        for (Upstream u : upstreams) {
            sum += u.inFlight().get();
        }
        return sum;
    }
}
