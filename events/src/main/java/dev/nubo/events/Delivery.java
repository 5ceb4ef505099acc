package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import io.cloudevents.CloudEvent;

/**
 * One piece of pending work as the dispatcher holds it: a payload (an event in the JSON format, or an
 * invocation's request) for a service, on behalf of an {@link Origin}, with its attempts so far and
 * how long this node's lease on its row runs ({@link Leases}). Mutable, and touched only on the
 * dispatcher's context once submitted.
 */
final class Delivery {

    final long id;
    final String origin;
    final Destination.Target target;
    final byte[] payload;
    int attempts;
    long nextAt;
    String lastError;
    /** Until when (epoch milliseconds) the stored row is this node's at least; 0 when only the node's renewals cover it. */
    long leaseUntil;
    /** The event as parsed, kept from ingest so that sending does not parse the stored JSON again; null until needed. */
    private CloudEvent event;
    /** The trace context of the attempt in flight; null when tracing is off or no attempt is out. */
    AttemptContext trace;

    Delivery(long id, String origin, Destination.Target target, byte[] payload, int attempts, long nextAt, String lastError) {
        this.id = id;
        this.origin = origin;
        this.target = target;
        this.payload = payload;
        this.attempts = attempts;
        this.nextAt = nextAt;
        this.lastError = lastError;
    }

    boolean isInvocation() {
        return Origin.is(origin, Origin.INVOCATION);
    }

    /** Remembers {@code event}, the parsed form of this delivery's payload. */
    Delivery with(CloudEvent event) {
        this.event = event;
        return this;
    }

    CloudEvent event() {
        if (event == null) {
            event = EventJson.read(payload);
        }
        return event;
    }

    @Override
    public String toString() {
        return "delivery " + id + " (" + origin + " → " + target + ", " + attempts + " attempts)";
    }
}
