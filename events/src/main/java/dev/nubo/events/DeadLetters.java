package dev.nubo.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import java.sql.ResultSet;
import java.time.Instant;
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

    private final EventLog eventLog;
    private final Journal journal;
    private final Router router;
    private final TriggerRegistry triggers;
    private final Invocations invocations;

    DeadLetters(EventLog eventLog, Journal journal, Router router, TriggerRegistry triggers, Invocations invocations) {
        this.eventLog = eventLog;
        this.journal = journal;
        this.router = router;
        this.triggers = triggers;
        this.invocations = invocations;
    }

    /** Oldest first; {@code origin} e.g. {@code trigger:orders}. */
    public List<DeadLetter> list(Optional<String> origin, int limit) {
        return rows(origin, limit);
    }

    /** Replays the dead letters {@code ids}; returns them once the new deliveries are durable. */
    public List<Long> replay(List<Long> ids) {
        List<DeadLetter> rows = new ArrayList<>();
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
        boolean deleted = eventLog.write(sql -> {
            var st = sql.get("DELETE FROM dead_letters WHERE id = ?");
            st.setLong(1, id);
            return st.executeUpdate() > 0;
        }).join();
        if (!deleted) {
            throw UserError.notFound("dead_letter.not_found", "no dead letter " + id, "`nubo events dead-letters` lists them");
        }
    }

    private List<Long> replayRows(List<DeadLetter> rows) {
        Changes changes = new Changes();
        List<CompletableFuture<String>> reinvoked = new ArrayList<>();
        try {
            for (DeadLetter r : rows) {
                if (Origin.is(r.origin(), Origin.INVOCATION)) {
                    String id = Origin.name(r.origin(), Origin.INVOCATION);
                    CloudEvent failure = EventJson.read(r.event());
                    JsonNode data = json(failure);
                    Request request = Invocations.request(data);
                    Destination.Service to = (Destination.Service) Destination.parse(r.to());
                    reinvoked.add(invocations.invoke(to.name(), to.path(), request.headers(), request.body(), invocations.options(id)));
                } else {
                    Trigger t = trigger(r).orElse(null);
                    changes.added.add(router.delivery(r.origin(), t != null ? t.to() : target(r),
                            r.event(), t != null ? t.delivery().timeout() : DeliveryPolicy.defaults().timeout()));
                }
            }
            reinvoked.forEach(CompletableFuture::join);
        } catch (RuntimeException e) {
            journal.release(changes); // never stored, so never pending
            throw e;
        }
        List<Long> ids = rows.stream().map(DeadLetter::id).toList();
        journal.commit(changes, sql -> {
            var st = sql.get("DELETE FROM dead_letters WHERE id = ?");
            for (long id : ids) {
                st.setLong(1, id);
                st.addBatch();
            }
            return st.executeBatch();
        }).join();
        return ids;
    }

    private Optional<Trigger> trigger(DeadLetter r) {
        return Origin.is(r.origin(), Origin.TRIGGER) ? triggers.trigger(Origin.name(r.origin(), Origin.TRIGGER)) : Optional.empty();
    }

    /** Where a dead letter whose origin is not a trigger (any more) goes back to: the service it was meant for. */
    private static Destination.Target target(DeadLetter r) {
        if (Destination.parse(r.to()) instanceof Destination.Target s && (r.to().startsWith("service:") || r.to().startsWith("workflow:"))) {
            return s;
        }
        throw UserError.conflict("dead_letter.no_target", "dead letter " + r.id() + " has no service to go back to (its origin "
                + r.origin() + " is gone and it was sent to " + r.to() + ")",
                "read it with `nubo events dead-letters --json` and send it again with `nubo events send`, then delete it");
    }

    private List<DeadLetter> rows(Optional<String> origin, int limit) {
        return eventLog.read(sql -> {
            var st = origin.isPresent() ? sql.get(COLUMNS + " WHERE origin = ? ORDER BY id LIMIT ?") : sql.get(COLUMNS + " ORDER BY id LIMIT ?");
            int i = 1;
            if (origin.isPresent()) {
                st.setString(i++, origin.get());
            }
            st.setInt(i, limit);
            List<DeadLetter> all = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    all.add(row(rs));
                }
            }
            return all;
        });
    }

    private Optional<DeadLetter> row(long id) {
        return eventLog.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE id = ?");
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.<DeadLetter>empty();
            }
        });
    }

    private static DeadLetter row(ResultSet rs) throws java.sql.SQLException {
        return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(5), rs.getString(6), Instant.parse(rs.getString(7)),
                rs.getBytes(4));
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
