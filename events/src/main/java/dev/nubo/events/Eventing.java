package dev.nubo.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.EventSink;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nubo's eventing, in one object: brokers and their triggers, the durable log of pending deliveries,
 * the dispatcher that sends them through the gateway, dead letters, asynchronous invocations, and
 * the storage of sources' definitions and state ({@link SourceStore}).
 *
 * <pre>{@code
 * Eventing eventing = Eventing.open(home.resolve("events.db"), vertx, new GatewayAddress("127.0.0.1", 8080, "localhost"),
 *         Shortcut.NONE, InstantSource.system(), RandomGenerator.getDefault(), 256);
 * eventing.createTrigger(TriggerJson.parse(body, now));
 * eventing.ingest("default", CloudEventsHttp.read(headers, body)).join();   // durable: now acknowledge
 * }</pre>
 *
 * <p><b>The event path.</b> {@link #publish} matches each event against its broker's triggers and
 * writes one delivery per match, in one group-committed unit; its future completes after the commit,
 * and only then does the producer hear 202 and does the dispatcher see the deliveries. An event that
 * matches no trigger is acknowledged and dropped, as in Knative. The dispatcher's fates are settled by
 * {@link Settlement}: a delivered event's row is deleted (a CloudEvent in the reply is published into
 * the trigger's broker in the same unit), a retry updates it, a given-up one moves to the dead-letter
 * sink. Restarting reads every remaining row back, so an acknowledged event is delivered at least once.
 *
 * <p>Control-plane calls (triggers, brokers, sources, listings) block on storage: call them from
 * worker threads. {@link #publish} and {@link #ingest} never block.
 */
public final class Eventing implements AutoCloseable, EventSink {

    public static final String DEFAULT_BROKER = "default";
    /** Replies chained into a broker carry this extension, counting the hops; a chain longer than {@value #MAX_HOPS} is cut. */
    static final String HOPS = "nubohops";
    static final int MAX_HOPS = 32;
    // Not `log`: that name is the event log's.
    private static final Logger LOG = LoggerFactory.getLogger(Eventing.class);

    final EventLog log;
    final InstantSource clock;
    final Dispatcher dispatcher;
    final Map<String, Instant> brokers = new ConcurrentHashMap<>();
    final Map<String, Trigger> triggers = new ConcurrentHashMap<>();
    final TriggerCounts counts;
    final Backlog backlog = new Backlog();
    final Invocations invocations;
    final DeadLetters deadLetters;
    private final SourceStore sourceStore;
    private final AtomicLong nextId;
    private final HttpClient client;
    private final Vertx vertx;

    private Eventing(EventLog log, Vertx vertx, GatewayAddress gateway, Shortcut shortcut, InstantSource clock, RandomGenerator random,
                     int maxInFlight) {
        this.log = log;
        this.clock = clock;
        this.vertx = vertx;
        this.nextId = new AtomicLong(log.read(sql -> {
            try (ResultSet rs = sql.get("SELECT coalesce(max(id), 0) FROM deliveries").executeQuery()) {
                return rs.getLong(1) + 1;
            }
        }));
        this.counts = new TriggerCounts(log, vertx);
        this.invocations = new Invocations(this);
        this.deadLetters = new DeadLetters(this);
        this.sourceStore = new SourceStore(log);
        // Idle connections are dropped after 3 s, before the gateway's header timeout (10 s) and the 5 s after
        // which common servers (Node, uvicorn) close them: a delivery written onto a connection the other side
        // is closing fails and costs an attempt.
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(3)
                        .setMaxInitialLineLength(8192),
                new PoolOptions().setHttp1MaxSize(maxInFlight));
        this.dispatcher = new Dispatcher(vertx, client, gateway, shortcut, clock, random, maxInFlight, backlog,
                new Settlement(this));
    }

    /**
     * Opens (creating and migrating) the event log at {@code file}, loads brokers and triggers, and
     * resumes every delivery and invocation left pending by the last run.
     *
     * @param shortcut slots on instances with room, to send to them directly ({@link Shortcut#NONE}: always the gateway)
     * @param maxInFlight how many deliveries may be out at once, across all triggers
     */
    public static Eventing open(Path file, Vertx vertx, GatewayAddress gateway, Shortcut shortcut, InstantSource clock,
                                RandomGenerator random, int maxInFlight) {
        EventLog log = EventLog.open(file);
        try {
            Eventing eventing = new Eventing(log, vertx, gateway, shortcut, clock, random, maxInFlight);
            eventing.load();
            return eventing;
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private void load() {
        log.read(sql -> {
            try (ResultSet rs = sql.get("SELECT name, created_at FROM brokers").executeQuery()) {
                while (rs.next()) {
                    brokers.put(rs.getString(1), Instant.parse(rs.getString(2)));
                }
            }
            try (ResultSet rs = sql.get("SELECT spec, created_at, delivered, dead_lettered FROM triggers").executeQuery()) {
                while (rs.next()) {
                    Trigger t = TriggerJson.parse(Json.mapper().readTree(rs.getString(1)), Instant.parse(rs.getString(2)));
                    triggers.put(t.name(), t);
                    counts.load(t.name(), rs.getLong(3), rs.getLong(4));
                }
            } catch (java.io.IOException e) {
                throw new java.sql.SQLException("a stored trigger is not JSON: " + e.getMessage(), e);
            }
            return null;
        });
        invocations.load();
        List<Delivery> pending = log.read(sql -> {
            List<Delivery> all = new ArrayList<>();
            try (ResultSet rs = sql.get("SELECT id, origin, target, payload, attempts, next_at, last_error FROM deliveries").executeQuery()) {
                while (rs.next()) {
                    all.add(new Delivery(rs.getLong(1), rs.getString(2), (Destination.Service) Destination.parse(rs.getString(3)),
                            rs.getBytes(4), rs.getInt(5), rs.getLong(6), rs.getString(7)));
                }
            }
            return all;
        });
        pending.forEach(d -> backlog.add(d.origin));
        dispatcher.submit(pending);
    }

    // ---- the event path

    /** Ingests events into {@code broker}: completes with how many were accepted once they are durable. */
    public CompletableFuture<Integer> ingest(String broker, List<CloudEvent> events) {
        return publish(new Destination.Broker(broker), events).thenApply(v -> events.size());
    }

    @Override
    public CompletableFuture<Void> publish(Destination to, List<CloudEvent> events) {
        return publish(to, events, Origin.SOURCE + "api");
    }

    /** An {@link EventSink} whose direct deliveries to services are recorded as {@code origin}, e.g. {@code source:nightly}. */
    public EventSink sink(String origin) {
        return (to, events) -> publish(to, events, origin);
    }

    CompletableFuture<Void> publish(Destination to, List<CloudEvent> events, String origin) {
        Changes changes = new Changes();
        try {
            long now = clock.millis();
            for (CloudEvent e : events) {
                route(to, e, EventJson.write(e), origin, now, changes, "");
            }
        } catch (RuntimeException | Error e) {
            // An Error too (a class missing from the distribution, say): the producer hears it, nothing is half-routed.
            release(changes);
            return CompletableFuture.failedFuture(e);
        }
        return commit(changes);
    }

    /**
     * Adds to {@code changes} what sending {@code event} to {@code to} means: deliveries, or a dead letter.
     * Each delivery is counted in the {@link #backlog} at once; a trigger that already has its
     * {@code maxPending} gets a dead letter instead, with the reason.
     */
    void route(Destination to, CloudEvent event, byte[] payload, String origin, long now, Changes changes, String reason) {
        switch (to) {
            case Destination.Broker b -> {
                requireBroker(b.name());
                for (Trigger t : triggers.values()) {
                    if (!t.broker().equals(b.name()) || !t.matches(event)) {
                        continue;
                    }
                    if (backlog.tryAdd(t.origin(), t.maxPending())) {
                        changes.added.add(new Delivery(nextId.getAndIncrement(), t.origin(), t.to(), payload, 0, now, null).with(event));
                    } else {
                        changes.dead.add(new Changes.DeadLetter(t.origin(), t.to().toString(), payload, 0, backlogFull(t)));
                        changes.overflowed.add(t.name());
                    }
                }
            }
            case Destination.Service s -> changes.added.add(delivery(origin, s, payload, now).with(event));
            case Destination.DeadLetters d -> changes.dead.add(new Changes.DeadLetter(origin, "dead-letters", payload, 0,
                    reason.isEmpty() ? "sent to the dead-letter store" : reason));
        }
    }

    private static String backlogFull(Trigger t) {
        return "not queued: trigger " + t.name() + " already had " + t.maxPending() + " deliveries pending (its maxPending); replay it"
                + " with `nubo events replay --trigger " + t.name() + "` once the trigger has caught up";
    }

    Delivery delivery(String origin, Destination.Service to, byte[] payload) {
        return delivery(origin, to, payload, clock.millis());
    }

    private Delivery delivery(String origin, Destination.Service to, byte[] payload, long now) {
        backlog.add(origin);
        return new Delivery(nextId.getAndIncrement(), origin, to, payload, 0, now, null);
    }

    /**
     * Writes {@code changes} (plus {@code more}, in the same unit) and hands new deliveries to the
     * dispatcher after the commit. When the write fails, nothing of it is stored or sent.
     */
    CompletableFuture<Void> commit(Changes changes, EventLog.Work<?>... more) {
        return write(changes, more).whenComplete((v, e) -> {
            if (e != null) {
                release(changes);
            }
        }).thenRun(() -> committed(changes));
    }

    /**
     * Like {@link #commit}, for what must not be forgotten while the server runs, such as a delivery's
     * outcome: a write refused for a full disk is tried again (1 s doubling to 30 s) until there is
     * room; any other failure is logged, and the delivery, still stored as pending, is sent again at
     * the next start.
     *
     * @param what what the write records, for the log
     */
    void record(Changes changes, String what, EventLog.Work<?>... more) {
        record(changes, what, 0, more);
    }

    private void record(Changes changes, String what, int retries, EventLog.Work<?>... more) {
        write(changes, more).whenComplete((v, e) -> {
            if (e == null) {
                committed(changes);
            } else if (DiskFull.is(e)) {
                vertx.setTimer(Math.min(30_000, 1000L << Math.min(retries, 5)), id -> record(changes, what, retries + 1, more));
            } else {
                release(changes);
                LOG.error("recording {} failed; it is stored as pending and is sent again"
                        + " after a restart", what, e);
            }
        });
    }

    private CompletableFuture<Void> write(Changes changes, EventLog.Work<?>... more) {
        if (changes.isEmpty() && more.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        String now = clock.instant().toString();
        return log.write(sql -> {
            changes.write(sql, now);
            for (EventLog.Work<?> w : more) {
                w.run(sql);
            }
            return null;
        });
    }

    private void committed(Changes changes) {
        changes.overflowed.forEach(counts::countDeadLettered);
        dispatcher.submit(changes.added);
    }

    /** Uncounts the deliveries of {@code changes}, which will not be stored. */
    void release(Changes changes) {
        changes.added.forEach(d -> backlog.remove(d.origin));
    }

    // ---- brokers

    /** {@code {"name","createdAt","triggers"}} for each broker. */
    public List<ObjectNode> brokers() {
        return brokers.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(b -> Json.mapper().createObjectNode()
                .put("name", b.getKey()).put("createdAt", b.getValue().toString())
                .put("triggers", triggers.values().stream().filter(t -> t.broker().equals(b.getKey())).count())).toList();
    }

    /** Creates {@code name} unless it exists; returns whether it was created. */
    public boolean createBroker(String name) {
        new Destination.Broker(name); // validates the name
        if (brokers.containsKey(name)) {
            return false;
        }
        Instant now = clock.instant();
        log.write(sql -> {
            var st = sql.get("INSERT INTO brokers (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
            st.setString(1, name);
            st.setString(2, now.toString());
            return st.executeUpdate();
        }).join();
        return brokers.putIfAbsent(name, now) == null;
    }

    public void deleteBroker(String name) {
        requireBroker(name);
        if (name.equals(DEFAULT_BROKER)) {
            throw UserError.conflict("broker.default", "the default broker cannot be deleted", "delete the triggers you no longer need instead");
        }
        List<String> using = triggers.values().stream().filter(t -> t.broker().equals(name)).map(Trigger::name).sorted().toList();
        if (!using.isEmpty()) {
            throw UserError.conflict("broker.in_use", "the broker " + name + " still has triggers: " + String.join(", ", using),
                    "delete them first with `nubo trigger delete NAME`");
        }
        log.write(sql -> {
            var st = sql.get("DELETE FROM brokers WHERE name = ?");
            st.setString(1, name);
            return st.executeUpdate();
        }).join();
        brokers.remove(name);
    }

    /** @throws UserError 404 {@code broker.not_found} */
    public void requireBroker(String name) {
        if (!brokers.containsKey(name)) {
            throw UserError.notFound("broker.not_found", "no broker named " + name,
                    "`nubo broker list` shows the brokers; create one with `nubo broker create " + name + "`");
        }
    }

    // ---- triggers

    /** Creates a trigger from its JSON form (see {@link TriggerJson}); returns its view. */
    public ObjectNode createTrigger(JsonNode body) {
        Trigger t = TriggerJson.parse(body, clock.instant());
        requireBroker(t.broker());
        if (triggers.containsKey(t.name())) {
            throw UserError.conflict("trigger.exists", "a trigger named " + t.name() + " already exists",
                    "pick another name, or `nubo trigger delete " + t.name() + "` first");
        }
        String spec = TriggerJson.write(t).toString();
        log.write(sql -> {
            var st = sql.get("INSERT INTO triggers (name, broker, spec, created_at) VALUES (?, ?, ?, ?)");
            st.setString(1, t.name());
            st.setString(2, t.broker());
            st.setString(3, spec);
            st.setString(4, t.createdAt().toString());
            return st.executeUpdate();
        }).join();
        triggers.put(t.name(), t);
        counts.load(t.name(), 0, 0);
        return view(t);
    }

    public List<ObjectNode> triggers() {
        return triggers.values().stream().sorted(Comparator.comparing(Trigger::name)).map(this::view).toList();
    }

    public ObjectNode trigger(String name) {
        return view(requireTrigger(name));
    }

    /** Deletes the trigger and drops its pending deliveries; its dead letters stay. */
    public void deleteTrigger(String name) {
        Trigger t = requireTrigger(name);
        triggers.remove(name);
        dispatcher.cancel(d -> d.origin.equals(t.origin())).toCompletionStage().toCompletableFuture().join();
        log.write(sql -> {
            var st = sql.get("DELETE FROM triggers WHERE name = ?");
            st.setString(1, name);
            st.executeUpdate();
            var pending = sql.get("DELETE FROM deliveries WHERE origin = ?");
            pending.setString(1, t.origin());
            return pending.executeUpdate();
        }).join();
        counts.forget(name);
    }

    private Trigger requireTrigger(String name) {
        Trigger t = triggers.get(name);
        if (t == null) {
            throw UserError.notFound("trigger.not_found", "no trigger named " + name, "`nubo trigger list` shows the triggers");
        }
        return t;
    }

    private ObjectNode view(Trigger t) {
        ObjectNode node = TriggerJson.write(t);
        int pending = backlog.pending(t.origin());
        node.putObject("stats").put("pending", pending)
                .put("delivered", counts.delivered(t.name())).put("deadLettered", counts.deadLettered(t.name()));
        boolean full = pending >= t.maxPending();
        node.putObject("status").put("state", full ? "backlog-full" : "ok").put("message", full
                ? "backlog full: " + pending + " pending; new events for it are dead-lettered" : "ok");
        return node;
    }

    // ---- dead letters and invocations

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public Invocations invocations() {
        return invocations;
    }

    // ---- sources

    /** The sources' definitions and durable memory, stored in this event log. */
    public SourceStore sourceStore() {
        return sourceStore;
    }

    /** Stops sending, flushes counters and closes the log; pending work stays stored for the next start. */
    @Override
    public void close() {
        dispatcher.close();
        counts.close();
        client.close();
        log.close();
    }
}
