package dev.nubo.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.Quantities;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A trigger as stored in the {@code triggers} table's {@code spec} column: JSON in the shape the API
 * has always used, {@code {"name","broker","filters":[{"attribute","match","value"}],"to",
 * "delivery":{"attempts","backoff","maxBackoff","timeout","deadLetter"},"maxPending"}}, so that rows
 * written by any earlier version read back (absent fields take their defaults, as the API's do). What
 * the API accepts and shows is the server's business.
 */
final class TriggerSpec {

    record Stored(String name, String broker, List<StoredFilter> filters, String to, StoredPolicy delivery, Integer maxPending) {}

    record StoredFilter(String attribute, String match, String value) {}

    record StoredPolicy(Integer attempts, String backoff, String maxBackoff, String timeout, String deadLetter) {}

    private TriggerSpec() {}

    static String write(Trigger t) {
        DeliveryPolicy p = t.delivery();
        Stored stored = new Stored(t.name(), t.broker(),
                t.filters().stream().map(f -> new StoredFilter(f.attribute(), f.match().toString(), f.value())).toList(),
                t.to().toString(), new StoredPolicy(p.attempts(), Quantities.formatDuration(p.backoff()),
                Quantities.formatDuration(p.maxBackoff()), Quantities.formatDuration(p.timeout()), p.deadLetter().toString()),
                t.maxPending());
        try {
            return Json.mapper().writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a trigger cannot be written as JSON", e);
        }
    }

    static Trigger read(String json, Instant createdAt) {
        try {
            Stored s = Json.mapper().readValue(json, Stored.class);
            StoredPolicy p = s.delivery();
            DeliveryPolicy defaults = DeliveryPolicy.defaults();
            DeliveryPolicy policy = p == null ? defaults : new DeliveryPolicy(p.attempts() == null ? defaults.attempts() : p.attempts(),
                    duration(p.backoff(), defaults.backoff()),
                    duration(p.maxBackoff(), defaults.maxBackoff()), duration(p.timeout(), defaults.timeout()),
                    p.deadLetter() == null ? defaults.deadLetter() : Destination.parse(p.deadLetter()));
            List<Filter> filters = s.filters() == null ? List.of()
                    : s.filters().stream().map(f -> Filter.of(f.attribute(), f.match() == null ? "exact" : f.match(), f.value())).toList();
            return new Trigger(s.name(), s.broker() == null ? TriggerRegistry.DEFAULT_BROKER : s.broker(), filters, (Destination.Target) Destination.parse(s.to()), policy,
                    s.maxPending() == null ? Trigger.DEFAULT_MAX_PENDING : s.maxPending(), createdAt);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new PlatformFault("platform.store", "a stored trigger cannot be read (" + e.getMessage() + "): " + json, e);
        }
    }

    private static Duration duration(String text, Duration otherwise) {
        return text == null ? otherwise : Quantities.duration(text).orElse(otherwise);
    }
}
