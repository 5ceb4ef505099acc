package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.util.List;

/**
 * A subscription to a broker: every event whose attributes pass all {@code filters} is delivered to
 * {@code to}, a service (as a binary-mode CloudEvent) or a workflow (starting an execution), under {@code delivery}'s retry policy. No
 * filters means every event of the broker.
 *
 * @param maxPending how many of its deliveries may wait at once; beyond that, a new event for it goes to
 *     the dead-letter store with the reason, so that a loop of triggers answering each other's events,
 *     or a service that cannot keep up, fills neither memory nor disk without bound
 */
public record Trigger(String name, String broker, List<Filter> filters, Destination.Target to, DeliveryPolicy delivery,
                      int maxPending, Instant createdAt) {

    public static final int DEFAULT_MAX_PENDING = 10_000;
    public static final int MAX_MAX_PENDING = 1_000_000;

    public Trigger {
        filters = List.copyOf(filters);
        if (maxPending < 1 || maxPending > MAX_MAX_PENDING) {
            throw UserError.badRequest("trigger.invalid", "maxPending must be between 1 and " + MAX_MAX_PENDING + ", not " + maxPending,
                    "it bounds how many of the trigger's events may wait for delivery at once; the default is " + DEFAULT_MAX_PENDING);
        }
    }

    boolean matches(CloudEvent event) {
        for (Filter f : filters) {
            if (!f.matches(event)) {
                return false;
            }
        }
        return true;
    }

    /** The origin its deliveries are recorded under, {@code trigger:NAME}. */
    String origin() {
        return Origin.TRIGGER + name;
    }
}
