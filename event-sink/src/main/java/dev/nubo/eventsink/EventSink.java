package dev.nubo.eventsink;

import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where sources (cron, webhooks, Kafka) and replies hand their events. The returned stage completes
 * only once every event is durably stored, so a source may acknowledge upstream (commit a Kafka
 * offset, answer a webhook with 202, record a cron firing) when, and only when, it completes.
 */
public interface EventSink {

    /**
     * Stores {@code events} for {@code to} and schedules their delivery.
     *
     * @return completes when the events survive a crash; fails with a {@link dev.nubo.model.UserError}
     *     when an event or the destination is invalid (an unknown broker, say), or with the storage fault
     */
    CompletableFuture<Void> publish(Destination to, List<CloudEvent> events);
}
