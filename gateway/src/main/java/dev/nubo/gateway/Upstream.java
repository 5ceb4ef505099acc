package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint with its in-flight counter and learned limit (its {@link InFlight.Slots}) and its
 * revision's demand, resolved once per route table rather than per request. A request holds a claim
 * on one upstream from pick to finish.
 */
record Upstream(Endpoint endpoint, InFlight.Slots slots, Demand demand) {

    AtomicInteger inFlight() {
        return slots.inFlight();
    }

    AdaptiveLimit limit() {
        return slots.limit();
    }

    Ejection ejection() {
        return slots.ejection();
    }

    String instanceId() {
        return endpoint.instanceId();
    }

    /**
     * Whether the instance has room under {@code cap} (the revision's {@code scale.limit}; 0: the
     * learned limit) and is not pausing after a failed connection. Reads the clock only during a pause.
     */
    boolean hasRoom(int cap) {
        AdaptiveLimit limit = slots.limit();
        int most = cap > 0 ? cap : limit.limit();
        return slots.inFlight().get() < most && !(limit.pausing() && limit.pausedAt(System.nanoTime()));
    }

    /** Takes a slot if the instance has room under {@code cap} (0: the learned limit). */
    boolean tryClaim(int cap) {
        int most = cap > 0 ? cap : slots.limit().limit();
        AtomicInteger inFlight = slots.inFlight();
        for (int c = inFlight.get(); c < most; c = inFlight.get()) {
            if (inFlight.compareAndSet(c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives the slot back; a request waiting for room in this revision may now take it. */
    void release() {
        slots.release();
        if (demand.waiting() > 0) {
            demand.dispatch();
        }
    }

    /** Gives back a slot that no request used, without waking anyone (the caller is the one dispatching). */
    void unclaim() {
        slots.release();
    }

    @Override
    public String toString() {
        return endpoint.instanceId() + " (" + endpoint.host() + ":" + endpoint.port() + ")";
    }
}
