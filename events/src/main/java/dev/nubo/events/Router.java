package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.time.InstantSource;

/**
 * What sending an event somewhere means, as {@link Changes} to store: into a broker, a delivery per
 * matching trigger (or a dead letter, past the trigger's {@code maxPending}); to a service, one
 * delivery; to the dead-letter store, a dead letter. Each new delivery gets an id, a lease for this
 * node covering its first attempt, and is counted in the {@link Backlog} at once.
 */
final class Router {

    private final TriggerRegistry triggers;
    private final Backlog backlog;
    private final Ids ids;
    private final Leases leases;
    private final InstantSource clock;

    Router(TriggerRegistry triggers, Backlog backlog, Ids ids, Leases leases, InstantSource clock) {
        this.triggers = triggers;
        this.backlog = backlog;
        this.ids = ids;
        this.leases = leases;
        this.clock = clock;
    }

    /**
     * Adds to {@code changes} what sending {@code event} to {@code to} means. A trigger that already has its
     * {@code maxPending} gets a dead letter instead, with the reason.
     *
     * @param reason why it goes to the dead-letter store, when {@code to} is that ("" for the usual words)
     */
    void route(Destination to, CloudEvent event, byte[] payload, String origin, long now, Changes changes, String reason) {
        switch (to) {
            case Destination.Broker b -> {
                for (Trigger t : triggers.matching(b.name(), event)) {
                    if (backlog.tryAdd(t.origin(), t.maxPending())) {
                        changes.added.add(leased(t.origin(), t.to(), payload, now, t.delivery().timeout()).with(event));
                    } else {
                        changes.dead.add(new Changes.DeadLetter(t.origin(), t.to().toString(), payload, 0, backlogFull(t)));
                        changes.overflowed.add(t.name());
                    }
                }
            }
            case Destination.Target s -> changes.added.add(delivery(origin, s, payload, now, DeliveryPolicy.defaults().timeout()).with(event));
            case Destination.DeadLetters d -> changes.dead.add(new Changes.DeadLetter(origin, "dead-letters", payload, 0,
                    reason.isEmpty() ? "sent to the dead-letter store" : reason));
        }
    }

    private static String backlogFull(Trigger t) {
        return "not queued: trigger " + t.name() + " already had " + t.maxPending() + " deliveries pending (its maxPending); replay it"
                + " with `nubo events replay --trigger " + t.name() + "` once the trigger has caught up";
    }

    /** A new delivery due now, counted in the backlog; {@code timeout} is its attempts' (for its first lease). */
    Delivery delivery(String origin, Destination.Target to, byte[] payload, Duration timeout) {
        return delivery(origin, to, payload, clock.millis(), timeout);
    }

    private Delivery delivery(String origin, Destination.Target to, byte[] payload, long now, Duration timeout) {
        backlog.add(origin);
        return leased(origin, to, payload, now, timeout);
    }

    private Delivery leased(String origin, Destination.Target to, byte[] payload, long now, Duration timeout) {
        Delivery d = new Delivery(ids.next(), origin, to, payload, 0, now, null);
        d.leaseUntil = leases.until(now, timeout.toMillis());
        return d;
    }
}
