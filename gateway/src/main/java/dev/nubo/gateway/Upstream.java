package dev.nubo.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/** An endpoint with its in-flight counter, resolved once per route table rather than per request. */
record Upstream(Endpoint endpoint, AtomicInteger inFlight) {

    String instanceId() {
        return endpoint.instanceId();
    }

    void acquire() {
        inFlight.incrementAndGet();
    }

    void release() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return endpoint.instanceId() + " (" + endpoint.host() + ":" + endpoint.port() + ")";
    }
}
