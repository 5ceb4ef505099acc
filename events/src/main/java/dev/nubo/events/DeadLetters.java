package dev.nubo.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The dead-letter store: events whose delivery gave up (or that were sent there on purpose), each
 * with its origin, target, attempts and the reason, listed by {@code nubo events dead-letters} and
 * replayable. A replay takes the event out of the store and delivers it afresh, attempts reset:
 * a trigger's event to the trigger's current target, a failed invocation as a new invocation with
 * its original request, anything else to the service it was meant for.
 */
public final class DeadLetters {

    private static final String COLUMNS = "SELECT id, origin, target, payload, attempts, reason, dead_at FROM dead_letters";

    private record Row(long id, String origin, String target, byte[] payload, int attempts, String reason, String deadAt) {}

    private final Eventing eventing;

    DeadLetters(Eventing eventing) {
        this.eventing = eventing;
    }

    /** Oldest first; {@code origin} e.g. {@code trigger:orders}. */
    public List<ObjectNode> list(Optional<String> origin, int limit) {
        return rows(origin, limit).stream().map(DeadLetters::view).toList();
    }

    /** Replays the dead letters {@code ids}; returns them once the new deliveries are durable. */
    public List<Long> replay(List<Long> ids) {
        List<Row> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(row(id).orElseThrow(() -> UserError.notFound("dead_letter.not_found", "no dead letter " + id,
                    "`nubo events dead-letters` lists them")));
        }
        return replayRows(rows);
    }

    /** Replays every dead letter of {@code origin}, or all of them. */
    public List<Long> replayAll(Optional<String> origin) {
        return replayRows(rows(origin, Integer.MAX_VALUE));
    }

    public void delete(long id) {
        boolean deleted = eventing.log.write(sql -> {
            var st = sql.get("DELETE FROM dead_letters WHERE id = ?");
            st.setLong(1, id);
            return st.executeUpdate() > 0;
        }).join();
        if (!deleted) {
            throw UserError.notFound("dead_letter.not_found", "no dead letter " + id, "`nubo events dead-letters` lists them");
        }
    }

    private List<Long> replayRows(List<Row> rows) {
        Changes changes = new Changes();
        List<CompletableFuture<String>> reinvoked = new ArrayList<>();
        try {
            for (Row r : rows) {
                if (Origin.is(r.origin, Origin.INVOCATION)) {
                    String id = Origin.name(r.origin, Origin.INVOCATION);
                    CloudEvent failure = EventJson.read(r.payload);
                    JsonNode data = json(failure);
                    Request request = Invocations.request(data);
                    Destination.Service to = (Destination.Service) Destination.parse(r.target);
                    reinvoked.add(eventing.invocations.invoke(to.name(), to.path(), request.headers(), request.body(),
                            eventing.invocations.options(id)));
                } else {
                    changes.added.add(eventing.delivery(r.origin, target(r), r.payload));
                }
            }
            reinvoked.forEach(CompletableFuture::join);
        } catch (RuntimeException e) {
            eventing.release(changes); // never stored, so never pending
            throw e;
        }
        List<Long> ids = rows.stream().map(Row::id).toList();
        eventing.commit(changes, sql -> {
            var st = sql.get("DELETE FROM dead_letters WHERE id = ?");
            for (long id : ids) {
                st.setLong(1, id);
                st.addBatch();
            }
            return st.executeBatch();
        }).join();
        return ids;
    }

    private Destination.Service target(Row r) {
        if (Origin.is(r.origin, Origin.TRIGGER)) {
            Trigger t = eventing.triggers.get(Origin.name(r.origin, Origin.TRIGGER));
            if (t != null) {
                return t.to();
            }
        }
        if (Destination.parse(r.target) instanceof Destination.Service s && r.target.startsWith("service:")) {
            return s;
        }
        throw UserError.conflict("dead_letter.no_target", "dead letter " + r.id + " has no service to go back to (its origin "
                + r.origin + " is gone and it was sent to " + r.target + ")",
                "read it with `nubo events dead-letters --json` and send it again with `nubo events send`, then delete it");
    }

    private List<Row> rows(Optional<String> origin, int limit) {
        return eventing.log.read(sql -> {
            var st = origin.isPresent() ? sql.get(COLUMNS + " WHERE origin = ? ORDER BY id LIMIT ?") : sql.get(COLUMNS + " ORDER BY id LIMIT ?");
            int i = 1;
            if (origin.isPresent()) {
                st.setString(i++, origin.get());
            }
            st.setInt(i, limit);
            List<Row> all = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    all.add(row(rs));
                }
            }
            return all;
        });
    }

    private Optional<Row> row(long id) {
        return eventing.log.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE id = ?");
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.<Row>empty();
            }
        });
    }

    private static Row row(ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getInt(5), rs.getString(6), rs.getString(7));
    }

    private static ObjectNode view(Row r) {
        ObjectNode node = Json.mapper().createObjectNode().put("id", r.id).put("origin", r.origin).put("to", r.target)
                .put("attempts", r.attempts).put("reason", r.reason).put("deadAt", r.deadAt);
        try {
            node.set("event", Json.mapper().readTree(r.payload));
        } catch (java.io.IOException e) {
            node.put("event", "(unreadable: " + e.getMessage() + ")");
        }
        return node;
    }

    private static JsonNode json(CloudEvent event) {
        try {
            return event.getData() == null ? Json.mapper().createObjectNode() : Json.mapper().readTree(event.getData().toBytes());
        } catch (java.io.IOException e) {
            throw UserError.conflict("dead_letter.unreadable", "the failure record's data is not JSON: " + e.getMessage(),
                    "delete it with `nubo events dead-letters`");
        }
    }
}
