package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each attempt's fate means for storage, by the delivery's {@link Origin}: a delivered row is
 * deleted (and a CloudEvent in a trigger's reply is published into its broker, in the same unit); a
 * retry records its attempts and due time; a given-up event moves to its dead-letter sink, a service
 * or the store, so that nothing accepted is ever dropped silently.
 *
 * <p>Runs on the dispatcher's context: every write is queued, never waited for.
 */
final class Settlement implements Dispatcher.Outcomes {

    /** Replies chained into a broker carry this extension, counting the hops; a chain longer than {@value #MAX_HOPS} is cut. */
    static final String HOPS = "nubohops";
    static final int MAX_HOPS = 32;
    private static final Logger log = LoggerFactory.getLogger(Settlement.class);

    private final TriggerRegistry triggers;
    private final Invocations invocations;
    private final TriggerCounts counts;
    private final Journal journal;
    private final Router router;
    private final EventLog eventLog;
    private final String node;
    private final InstantSource clock;
    private final List<Long> retired = new java.util.ArrayList<>();

    Settlement(TriggerRegistry triggers, Invocations invocations, TriggerCounts counts, Journal journal, Router router,
               EventLog eventLog, String node, InstantSource clock) {
        this.triggers = triggers;
        this.invocations = invocations;
        this.counts = counts;
        this.journal = journal;
        this.router = router;
        this.eventLog = eventLog;
        this.node = node;
        this.clock = clock;
    }

    @Override
    public DeliveryPolicy policy(Delivery d) {
        String origin = d.origin;
        if (Origin.is(origin, Origin.DEAD_LETTER)) {
            DeliveryPolicy p = policyOf(Origin.name(origin, Origin.DEAD_LETTER));
            return new DeliveryPolicy(p.attempts(), p.backoff(), p.maxBackoff(), p.timeout(), new Destination.DeadLetters());
        }
        return policyOf(origin);
    }

    private DeliveryPolicy policyOf(String origin) {
        if (Origin.is(origin, Origin.TRIGGER)) {
            return triggers.trigger(Origin.name(origin, Origin.TRIGGER)).map(Trigger::delivery).orElse(DeliveryPolicy.defaults());
        }
        if (Origin.is(origin, Origin.INVOCATION)) {
            return invocations.policy(Origin.name(origin, Origin.INVOCATION));
        }
        return DeliveryPolicy.defaults();
    }

    @Override
    public void started(Delivery d) {
        if (d.isInvocation()) {
            invocations.started(d);
        }
    }

    @Override
    public void delivered(Delivery d, Reply reply, long durationMs) {
        if (d.isInvocation()) {
            invocations.succeeded(d, reply, durationMs);
            return;
        }
        if (Origin.is(d.origin, Origin.TRIGGER)) {
            String name = Origin.name(d.origin, Origin.TRIGGER);
            counts.countDelivered(name);
            Trigger t = triggers.trigger(name).orElse(null);
            if (t != null && CloudEventsHttp.isEvent(reply.headers())) {
                journal.record(chained(d, t, reply), "the delivery of " + d + " and its reply");
                return;
            }
        }
        retire(d.id);
    }

    /**
     * Deletes a delivered row, together with every other delivered in the same turn of the event loop:
     * one unit of the event log for many, instead of one each. Losing these to a crash only means
     * sending the events again.
     */
    private void retire(long id) {
        if (retired.isEmpty()) {
            Vertx.currentContext().runOnContext(v -> {
                Changes changes = new Changes();
                changes.finished.addAll(retired);
                retired.clear();
                journal.record(changes, changes.finished.size() + " deliveries as done");
            });
        }
        retired.add(id);
    }

    /** The delivered row's deletion, with the reply published into the trigger's broker when that can be done. */
    private Changes chained(Delivery d, Trigger t, Reply reply) {
        Changes changes = new Changes();
        changes.finished.add(d.id);
        try {
            chain(d, t, reply, changes);
            return changes;
        } catch (RuntimeException | Error e) {
            journal.release(changes);
            log.error("the reply of {} to {} cannot be published into broker {}; the delivery itself is done", t.to().name(), d,
                    t.broker(), e);
            Changes done = new Changes();
            done.finished.add(d.id);
            return done;
        }
    }

    /** Publishes the CloudEvent(s) of a trigger's reply into its broker, counting hops to cut loops. */
    private void chain(Delivery d, Trigger t, Reply reply, Changes changes) {
        List<CloudEvent> replies;
        try {
            replies = CloudEventsHttp.read(reply.headers(), reply.body());
        } catch (RuntimeException e) {
            log.warn("the reply of {} to {} is not a valid CloudEvent, so it is not chained: {}", t.to().name(), d, e.getMessage());
            return;
        }
        int hops = hops(d.event()) + 1;
        long now = clock.millis();
        for (CloudEvent r : replies) {
            CloudEvent next = CloudEventBuilder.v1(r).withExtension(HOPS, hops).build();
            byte[] payload = EventJson.write(next);
            if (hops > MAX_HOPS) {
                changes.dead.add(new Changes.DeadLetter(d.origin, t.to().toString(), payload, d.attempts,
                        "a reply chain longer than " + MAX_HOPS + " hops was cut: check triggers that answer their own events"));
            } else {
                router.route(new Destination.Broker(t.broker()), next, payload, d.origin, now, changes, "");
            }
        }
    }

    private static int hops(CloudEvent e) {
        Object v = e.getExtension(HOPS);
        try {
            return v == null ? 0 : Integer.parseInt(v.toString());
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    @Override
    public CompletableFuture<Boolean> retrying(Delivery d, Reply reply, long leaseUntil) {
        log.debug("{} failed ({}); next attempt at {}", d, d.lastError, java.time.Instant.ofEpochMilli(d.nextAt));
        CompletableFuture<Boolean> ours = eventLog.write(sql -> {
            var st = sql.get("UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ?, lease_until = ? WHERE id = ? AND owner = ?");
            st.setInt(1, d.attempts);
            st.setLong(2, d.nextAt);
            st.setString(3, d.lastError);
            st.setLong(4, leaseUntil);
            st.setLong(5, d.id);
            st.setString(6, node);
            return st.executeUpdate() == 1;
        });
        ours.exceptionally(e -> {
            // The dispatcher still holds it and retries; only a restart would start it over from the stored attempts.
            // A full disk is logged once, by the event log.
            if (!DiskFull.is(e)) {
                log.warn("recording the failed attempt of {} failed: {}", d, e.getMessage());
            }
            return false;
        });
        if (d.isInvocation()) {
            invocations.retrying(d, reply);
        } else if (Origin.is(d.origin, Origin.TRIGGER)) {
            counts.countRetried(Origin.name(d.origin, Origin.TRIGGER));
        }
        return ours;
    }

    @Override
    public void gaveUp(Delivery d, Reply reply, long durationMs) {
        if (d.isInvocation()) {
            invocations.failed(d, reply, durationMs);
            return;
        }
        String reason = (reply.verdict() == Reply.Verdict.REJECTED ? "rejected, not retried: " : "gave up after " + d.attempts
                + " attempt" + (d.attempts == 1 ? "" : "s") + ": ") + d.lastError;
        log.info("{} {}", d, reason);
        Changes changes = new Changes();
        changes.finished.add(d.id);
        if (Origin.is(d.origin, Origin.TRIGGER)) {
            counts.countDeadLettered(Origin.name(d.origin, Origin.TRIGGER));
        }
        Destination sink = policy(d).deadLetter();
        if (sink instanceof Destination.Service service && !Origin.is(d.origin, Origin.DEAD_LETTER)) {
            CloudEvent marked = CloudEventBuilder.v1(d.event())
                    .withExtension("nuboerrordest", d.target.toString())
                    .withExtension("nuboerrorcode", Integer.toString(reply.status()))
                    .withExtension("nuboerror", reason.length() > 500 ? reason.substring(0, 500) : reason)
                    .build();
            changes.added.add(router.delivery(Origin.DEAD_LETTER + d.origin, service, EventJson.write(marked), policy(d).timeout()));
        } else {
            String origin = Origin.is(d.origin, Origin.DEAD_LETTER) ? Origin.name(d.origin, Origin.DEAD_LETTER) : d.origin;
            changes.dead.add(new Changes.DeadLetter(origin, d.target.toString(), d.payload, d.attempts, reason));
        }
        journal.record(changes, "the dead letter of " + d);
    }
}
