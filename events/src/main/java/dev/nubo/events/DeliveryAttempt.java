package dev.nubo.events;

import java.time.Instant;
import java.util.Optional;

/**
 * One delivery attempt as traced: ids as lowercase W3C hex (32 and 16 digits).
 *
 * @param parentSpanId the span in the event's {@code traceparent} extension (or the invocation's header)
 *     when it had one; then {@code traceId} is that trace's, else a new one
 * @param kind {@code event} (a trigger's, a source's, a dead letter's) or {@code invocation} (an asynchronous
 *     invocation or its result sent on)
 * @param origin who the delivery is for, as stored: {@code trigger:NAME}, {@code invocation:ID}, {@code source:NAME}…
 * @param broker the trigger's broker; empty for other origins
 * @param eventId the CloudEvent's id; empty for an invocation
 * @param target the service (or workflow) it was sent to
 * @param attempt 1 for the first attempt
 * @param outcome {@code delivered}, {@code retrying} or {@code gave up}
 * @param status the answer's HTTP status; 0 when none came (refused, timed out)
 */
public record DeliveryAttempt(String traceId, String spanId, Optional<String> parentSpanId, String kind, String origin, String broker,
                              String eventId, String target, int attempt, String outcome, int status, String error, Instant start, Instant end) {

    public boolean failed() {
        return !"delivered".equals(outcome);
    }
}
