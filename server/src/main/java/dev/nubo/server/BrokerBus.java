package dev.nubo.server;

import dev.nubo.events.Eventing;
import dev.nubo.workflows.EventBus;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The workflows' {@code events:putEvents} into eventing's brokers. Eventing starts after the workflows
 * (its deliveries start executions), so it is handed in once it exists; a task before then fails and
 * is retried like any other.
 */
final class BrokerBus implements EventBus {

    private volatile Eventing eventing;

    void use(Eventing eventing) {
        this.eventing = eventing;
    }

    @Override
    public void put(String broker, List<Entry> entries) throws InterruptedException {
        Eventing to = eventing;
        if (to == null) {
            throw new IllegalStateException("eventing is not started yet");
        }
        to.requireBroker(broker);
        try {
            to.ingest(broker, entries.stream().map(e -> CloudEventBuilder.v1().withId(e.id()).withSource(URI.create(e.source()))
                    .withType(e.type()).withDataContentType("application/json").withData(e.data().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .build()).toList()).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker " + broker + " did not take the events: " + e.getMessage(), e);
        }
    }
}
