package dev.nubo.events;

import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.util.List;

/**
 * A subscription to a broker: every event whose attributes pass all {@code filters} is delivered to
 * the service {@code to} as a binary-mode CloudEvent, under {@code delivery}'s retry policy. No
 * filters means every event of the broker.
 */
public record Trigger(String name, String broker, List<Filter> filters, Destination.Service to, DeliveryPolicy delivery,
                      Instant createdAt) {

    public Trigger {
        filters = List.copyOf(filters);
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
