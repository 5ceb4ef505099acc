package dev.nubo.sources;

import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.EventSink;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Records what is published; each publish completes as {@code answer} says (at once, by default). */
final class RecordingSink implements EventSink {

    /** {@code at}: the system time when it was published. */
    record Published(Destination to, CloudEvent event, CompletableFuture<Void> stored, Instant at) {}

    final List<Published> published = new CopyOnWriteArrayList<>();
    private final Function<CloudEvent, CompletableFuture<Void>> answer;

    RecordingSink() {
        this(event -> CompletableFuture.completedFuture(null));
    }

    RecordingSink(Function<CloudEvent, CompletableFuture<Void>> answer) {
        this.answer = answer;
    }

    /** Publishes that stay pending until the test completes them. */
    static RecordingSink holding() {
        return new RecordingSink(event -> new CompletableFuture<>());
    }

    static RecordingSink failing(String why) {
        return new RecordingSink(event -> CompletableFuture.failedFuture(new IllegalStateException(why)));
    }

    @Override
    public CompletableFuture<Void> publish(Destination to, List<CloudEvent> events) {
        if (events.size() != 1) {
            throw new AssertionError("a cron firing publishes one event, got " + events.size());
        }
        CompletableFuture<Void> stored = answer.apply(events.getFirst());
        published.add(new Published(to, events.getFirst(), stored, Instant.now()));
        return stored;
    }

    List<String> ids() {
        return published.stream().map(p -> p.event().getId()).toList();
    }
}
