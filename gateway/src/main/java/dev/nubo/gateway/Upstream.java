package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint with its in-flight counter and its revision's demand, resolved once per route table
 * rather than per request. A request holds a claim on one upstream from pick to finish.
 */
record Upstream(Endpoint endpoint, AtomicInteger inFlight, Demand demand) {

    String instanceId() {
        return endpoint.instanceId();
    }

    /** Takes a slot if the instance has room under {@code limit} (0: no cap). */
    boolean tryClaim(int limit) {
        if (limit == 0) {
            inFlight.incrementAndGet();
            return true;
        }
        for (int c = inFlight.get(); c < limit; c = inFlight.get()) {
            if (inFlight.compareAndSet(c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives the slot back; a request waiting for room in this revision may now take it. */
    void release() {
        inFlight.decrementAndGet();
        if (demand.waiting() > 0) {
            demand.dispatch();
        }
    }

    /** Gives back a slot that no request used, without waking anyone (the caller is the one dispatching). */
    void unclaim() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return endpoint.instanceId() + " (" + endpoint.host() + ":" + endpoint.port() + ")";
    }
}
