package dev.nubo.tracing;

import dev.nubo.events.DeliveryAttempt;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a delivery attempt into its span, off the dispatcher's loop: a CLIENT span named {@code event delivery}
 * or {@code async invocation}, child of the event's own traceparent when it had one, and parent of what the
 * gateway and the instance saw of the attempt (the dispatcher sent its id on).
 */
final class DeliverySpans {

    private DeliverySpans() {}

    static Span span(DeliveryAttempt a) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("nubo.origin", a.origin());
        if (a.origin().startsWith("trigger:")) {
            attributes.put("nubo.trigger", a.origin().substring("trigger:".length()));
        }
        if (!a.broker().isEmpty()) {
            attributes.put("nubo.broker", a.broker());
        }
        if (!a.eventId().isEmpty()) {
            attributes.put("cloudevents.event_id", a.eventId());
        }
        attributes.put("nubo.attempt", Integer.toString(a.attempt()));
        attributes.put("nubo.outcome", a.outcome());
        if (a.status() != 0) {
            attributes.put("http.response.status_code", Integer.toString(a.status()));
        }
        if (!a.error().isEmpty()) {
            attributes.put("error.message", a.error());
        }
        String name = a.kind().equals("invocation") ? "async invocation" : "event delivery";
        return new Span(a.traceId(), a.spanId(), a.parentSpanId(), name, Span.Kind.CLIENT, a.target(), nanos(a.start()), nanos(a.end()),
                a.failed(), attributes);
    }

    static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
