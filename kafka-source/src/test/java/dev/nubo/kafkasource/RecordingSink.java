package dev.nubo.kafkasource;

import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.EventSink;
import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link EventSink} for tests that records what it is given, and can be told to fail every publish or
 * to hold publishes until released. "Stored" events are those of publishes that completed normally.
 */
final class RecordingSink implements EventSink {

    private final List<List<CloudEvent>> attempts = new CopyOnWriteArrayList<>();
    private final List<CloudEvent> stored = new CopyOnWriteArrayList<>();
    private final List<Destination> destinations = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;
    private volatile Error thrown;
    private volatile CompletableFuture<Void> gate;

    @Override
    public CompletableFuture<Void> publish(Destination to, List<CloudEvent> events) {
        attempts.add(List.copyOf(events));
        destinations.add(to);
        Error t = thrown;
        if (t != null) {
            throw t;
        }
        RuntimeException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        CompletableFuture<Void> g = gate;
        return g == null ? store(events) : g.thenCompose(ignored -> store(events));
    }

    private CompletableFuture<Void> store(List<CloudEvent> events) {
        stored.addAll(events);
        return CompletableFuture.completedFuture(null);
    }

    /** Every publish from now on fails with {@code failure}. */
    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    /** Every publish from now on throws {@code error} instead of returning, as a class missing at run time does. */
    void throwError(Error error) {
        this.thrown = error;
    }

    void stopFailing() {
        this.failure = null;
        this.thrown = null;
    }

    /** Publishes from now on complete only when {@link #release()} is called. */
    void hold() {
        gate = new CompletableFuture<>();
    }

    /** Completes the held publishes and stops holding. */
    void release() {
        CompletableFuture<Void> g = gate;
        gate = null;
        if (g != null) {
            g.complete(null);
        }
    }

    /** Every publish call's events, in order, including failed and held ones. */
    List<List<CloudEvent>> attempts() {
        return attempts;
    }

    List<CloudEvent> stored() {
        return stored;
    }

    List<String> storedIds() {
        return stored.stream().map(CloudEvent::getId).toList();
    }

    List<Destination> destinations() {
        return destinations;
    }
}
