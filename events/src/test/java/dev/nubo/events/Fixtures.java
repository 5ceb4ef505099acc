package dev.nubo.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Instant;

/** Small events and triggers for the eventing tests. */
final class Fixtures {

    private Fixtures() {}

    /** An event from {@code /shop} whose data is {@code {"id":ID}}. */
    static CloudEvent event(String id, String type) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType(type)
                .withDataContentType("application/json").withData(("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A trigger in its stored JSON (the API's shape), written with single quotes for readability. */
    static Trigger trigger(String json) {
        return TriggerSpec.read(json.replace('\'', '"'), Instant.now());
    }

    /** The id of a dead letter's event. */
    static String eventId(DeadLetter d) {
        return EventJson.read(d.event()).getId();
    }

    /** {@code SELECT count(*) FROM table [where]} on {@code log}. */
    static int count(EventLog log, String tableAndWhere) {
        return log.read(sql -> {
            try (ResultSet rs = sql.get("SELECT count(*) FROM " + tableAndWhere).executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
