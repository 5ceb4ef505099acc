package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.EventSink;
import io.cloudevents.CloudEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Nubo's eventing, as the server sees it: brokers and their triggers, publishing into them, dead
 * letters and asynchronous invocations, over an {@link EventLog} it does not own. Its parts get
 * only what they need of each other: a {@link TriggerRegistry}, a {@link Router} that turns an
 * event into deliveries, a {@link Journal} that stores a step before the {@link Dispatcher} sees it,
 * {@link Settlement} for what each attempt's fate means, and {@link Leases} for which node sends what.
 *
 * <pre>{@code
 * EventLog log = EventLog.sqlite(home.resolve("events.db"));
 * Eventing eventing = Eventing.open(log, vertx, EventingConfig.to(new GatewayAddress("127.0.0.1", 8080, "localhost")));
 * eventing.createTrigger(trigger);
 * eventing.ingest("default", CloudEventsHttp.read(headers, body)).join();   // durable: now acknowledge
 * }</pre>
 *
 * <p><b>The event path.</b> {@link #publish} matches each event against its broker's triggers and
 * writes one delivery per match, in one group-committed unit; its future completes after the commit,
 * and only then does the producer hear 202 and does the dispatcher see the deliveries. An event that
 * matches no trigger is acknowledged and dropped, as in Knative. A delivered event's row is deleted
 * (a CloudEvent in the reply is published into the trigger's broker in the same unit), a retry
 * updates it, a given-up one moves to the dead-letter sink. Opening takes back every row this node
 * left, and any whose lease ran out, so an acknowledged event is delivered at least once.
 *
 * <p>Control-plane calls (triggers, brokers, listings) block on storage: call them from worker threads.
 * {@link #publish} and {@link #ingest} never block.
 */
public final class Eventing implements AutoCloseable, EventSink {

    public static final String DEFAULT_BROKER = TriggerRegistry.DEFAULT_BROKER;

    final Dispatcher dispatcher;
    final LeaseKeeper keeper;
    private final EventLog log;
    private final InstantSource clock;
    private final TriggerRegistry triggers;
    private final ProducerTokens producers;
    private final TriggerCounts counts;
    private final Backlog backlog;
    private final Router router;
    private final Journal journal;
    private final Leases leases;
    private final Invocations invocations;
    private final DeadLetters deadLetters;
    private final HttpClient client;
    private final EventLoop loop;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> ingested = new java.util.concurrent.ConcurrentHashMap<>();

    private Eventing(EventLog log, Vertx vertx, EventingConfig config) {
        this.log = log;
        this.clock = config.clock();
        this.triggers = TriggerRegistry.load(log);
        this.producers = new ProducerTokens(log);
        this.loop = EventLoop.deploy(vertx);
        this.counts = new TriggerCounts(log, loop);
        this.backlog = new Backlog();
        this.leases = new Leases(log, config.node(), config.lease(), clock);
        // Idle connections are dropped after 3 s, before the gateway's header timeout (10 s) and the 5 s after
        // which common servers (Node, uvicorn) close them: a delivery written onto a connection the other side
        // is closing fails and costs an attempt.
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(3)
                        .setMaxInitialLineLength(8192),
                new PoolOptions().setHttp1MaxSize(config.maxInFlight()));
        this.dispatcher = new Dispatcher(vertx, loop, client, config.gateway(), config.shortcut(), config.workflows(), clock, config.random(),
                config.maxInFlight(), backlog, leases);
        this.journal = new Journal(log, config.node(), clock, loop, backlog, counts, dispatcher);
        this.router = new Router(triggers, backlog, Ids.take(log), leases, clock);
        this.invocations = new Invocations(log, journal, router, clock);
        this.deadLetters = new DeadLetters(log, journal, router, triggers, invocations);
        dispatcher.start(new Settlement(triggers, invocations, counts, journal, router, log, config.node(), clock));
        this.keeper = new LeaseKeeper(vertx, loop, leases, triggers, counts, invocations, backlog, dispatcher);
    }

    /**
     * Loads brokers and triggers from {@code log}, and resumes every delivery and invocation this node left
     * pending, and any other node's whose lease has run out. Closing the result does not close {@code log}.
     */
    public static Eventing open(EventLog log, Vertx vertx, EventingConfig config) {
        Eventing eventing = new Eventing(log, vertx, config);
        try {
            eventing.keeper.start();
            return eventing;
        } catch (RuntimeException e) {
            eventing.halt();
            throw e;
        }
    }

    // ---- the event path

    /** Ingests events into {@code broker}: completes with how many were accepted once they are durable. */
    public CompletableFuture<Integer> ingest(String broker, List<CloudEvent> events) {
        return publish(new Destination.Broker(broker), events).thenApply(v -> {
            ingested.computeIfAbsent(broker, b -> new java.util.concurrent.atomic.LongAdder()).add(events.size());
            return events.size();
        });
    }

    /**
     * Tells {@code tracer} of every delivery attempt from now on (event deliveries and asynchronous
     * invocations), and sends each attempt's span on in its {@code traceparent}. Off by default.
     */
    public void tracer(DeliveryTracer tracer) {
        dispatcher.tracer(tracer, trigger -> triggers.trigger(trigger).map(Trigger::broker).orElse(""));
    }

    /** Events accepted into each broker through {@link #ingest} on this node since it started (for /metrics). */
    public java.util.Map<String, Long> ingested() {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        ingested.forEach((b, n) -> out.put(b, n.sum()));
        return out;
    }

    /** Failed deliveries of each trigger that are tried again, on this node since it started (for /metrics). */
    public java.util.Map<String, Long> retried() {
        return counts.retried();
    }

    @Override
    public CompletableFuture<Void> publish(Destination to, List<CloudEvent> events) {
        return publish(to, events, Origin.SOURCE + "api");
    }

    /** An {@link EventSink} whose direct deliveries to services are recorded as {@code origin}, e.g. {@code source:nightly}. */
    public EventSink sink(String origin) {
        return (to, events) -> publish(to, events, origin);
    }

    private CompletableFuture<Void> publish(Destination to, List<CloudEvent> events, String origin) {
        Changes changes = new Changes();
        try {
            long now = clock.millis();
            for (CloudEvent e : events) {
                router.route(to, e, EventJson.write(e), origin, now, changes, "");
            }
        } catch (RuntimeException | Error e) {
            // An Error too (a class missing from the distribution, say): the producer hears it, nothing is half-routed.
            journal.release(changes);
            return CompletableFuture.failedFuture(e);
        }
        return journal.commit(changes);
    }

    // ---- brokers and triggers

    /** By name. */
    public List<Broker> brokers() {
        return triggers.brokers();
    }

    /** Creates {@code name} unless it exists; returns whether it was created. */
    public boolean createBroker(String name) {
        return triggers.createBroker(name, clock.instant());
    }

    /** @throws dev.nubo.model.UserError 404 {@code broker.not_found}, 409 {@code broker.default} or {@code broker.in_use} */
    public void deleteBroker(String name) {
        triggers.deleteBroker(name);
        producers.forget(name);
    }

    /**
     * A new producer token for {@code broker} (replacing its previous one): it publishes into that broker
     * and does nothing else. Shown once; only its hash is stored.
     *
     * @throws dev.nubo.model.UserError 404 {@code broker.not_found}
     */
    public String issueProducerToken(String broker) {
        triggers.requireBroker(broker);
        return producers.issue(broker, clock.instant());
    }

    /** Whether {@code token} may publish into {@code broker}, as far as this node knows it: never blocks. */
    public boolean isKnownProducerToken(String broker, String token) {
        return producers.known(broker, token);
    }

    /** Whether {@code token} may publish into {@code broker}; may read the log, so not on an event loop. */
    public boolean isProducerToken(String broker, String token) {
        return producers.valid(broker, token);
    }

    /** @throws dev.nubo.model.UserError 404 {@code broker.not_found} */
    public void requireBroker(String name) {
        triggers.requireBroker(name);
    }

    /** @throws dev.nubo.model.UserError 404 {@code broker.not_found}, 409 {@code trigger.exists} */
    public TriggerStatus createTrigger(Trigger trigger) {
        triggers.create(trigger);
        counts.forget(trigger.name());
        return status(trigger);
    }

    /** By name. */
    public List<TriggerStatus> triggers() {
        return triggers.triggers().stream().map(this::status).toList();
    }

    /** @throws dev.nubo.model.UserError 404 {@code trigger.not_found} */
    public TriggerStatus trigger(String name) {
        return status(triggers.require(name));
    }

    /** Deletes the trigger and drops its pending deliveries; its dead letters stay. */
    public void deleteTrigger(String name) {
        triggers.delete(name, t -> dispatcher.cancel(d -> d.origin.equals(t.origin())).toCompletionStage().toCompletableFuture().join());
        counts.forget(name);
    }

    private TriggerStatus status(Trigger t) {
        return new TriggerStatus(t, backlog.pending(t.origin()), counts.delivered(t.name()), counts.deadLettered(t.name()));
    }

    // ---- dead letters and invocations

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public Invocations invocations() {
        return invocations;
    }

    /**
     * Stops sending and gives this node's leases up, so that another node sharing the event log takes its
     * pending deliveries at once; they stay stored, and this node takes back what is left when it opens again.
     */
    @Override
    public void close() {
        if (!halt()) {
            return;
        }
        try {
            leases.release().join();
        } catch (RuntimeException e) {
            // The log is closing or unreachable: the leases run out by themselves.
        }
    }

    /**
     * Stops sending and flushes counters, keeping the leases as they are: what a crash leaves, as far as the log
     * can tell. Returns false when it had stopped already.
     */
    boolean halt() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        keeper.close();
        dispatcher.close();
        counts.close();
        client.close();
        loop.close();
        return true;
    }
}
