package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.EventHeader;
import dev.nubo.model.UserError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends pending deliveries to services through the gateway, so that a service at zero is woken and
 * the event held rather than failed (or, when an instance has room, straight to it on a slot the
 * gateway hands out in-process: see {@link Shortcut}), and decides each attempt's fate: delivered, retried after a
 * backoff, or given up (to the dead-letter sink). What a fate means for storage is {@link Outcomes}'.
 * An attempt starts only while this node's lease on the delivery outlasts it ({@link Leases}); when it
 * does not, the lease is extended first, and a delivery that turns out to be another node's is dropped.
 *
 * <p>Everything here runs on one Vert.x context, so its queue needs no locks. Deliveries wait in a
 * queue ordered by due time; one timer is armed for the earliest, and at most {@code maxInFlight}
 * attempts are out at once. Time comes from the injected clock: with a fake clock nothing becomes due
 * until the test moves it and calls {@link #wake}.
 */
final class Dispatcher implements AutoCloseable {

    static final int MAX_REPLY_BYTES = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** What each attempt's fate means; called on the dispatcher's context, so it must not block. */
    interface Outcomes {
        DeliveryPolicy policy(Delivery d);

        void started(Delivery d);

        void delivered(Delivery d, Reply reply, long durationMs);

        /**
         * Records a failed attempt, and a lease on the row until {@code leaseUntil}; completes with whether the row
         * is still this node's.
         */
        CompletableFuture<Boolean> retrying(Delivery d, Reply reply, long leaseUntil);

        void gaveUp(Delivery d, Reply reply, long durationMs);
    }

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final GatewayAddress gateway;
    private final Shortcut shortcut;
    private final WorkflowStarts workflows;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final int maxInFlight;
    private final Leases leases;
    private Outcomes outcomes;
    private final PriorityQueue<Delivery> waiting = new PriorityQueue<>(
            Comparator.<Delivery>comparingLong(d -> d.nextAt).thenComparingLong(d -> d.id));
    private final Backlog backlog;
    private int inFlight;
    private long timer = -1;
    private long timerAt = Long.MAX_VALUE;
    private boolean closed;
    private volatile DeliveryTracer tracer = DeliveryTracer.NONE;
    private volatile java.util.function.Function<String, String> brokers = trigger -> "";

    Dispatcher(Vertx vertx, EventLoop loop, HttpClient client, GatewayAddress gateway, Shortcut shortcut, WorkflowStarts workflows, InstantSource clock, RandomGenerator random,
               int maxInFlight, Backlog backlog, Leases leases) {
        this.vertx = vertx;
        this.context = loop.context();
        this.client = client;
        this.gateway = gateway;
        this.shortcut = shortcut;
        this.workflows = workflows;
        this.clock = clock;
        this.random = random;
        this.maxInFlight = maxInFlight;
        this.backlog = backlog;
        this.leases = leases;
    }

    /**
     * Starts sending, with what each fate means. (Those outcomes write through the journal, which hands new
     * deliveries to this dispatcher: it is made first, and told its outcomes once they exist.)
     */
    void start(Outcomes outcomes) {
        context.runOnContext(v -> {
            this.outcomes = outcomes;
            pump();
        });
    }

    /**
     * Queues deliveries (from any thread); each goes out when its {@code nextAt} is due. Each must be
     * counted in the {@link Backlog} already; settling it takes it out.
     */
    void submit(Collection<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        context.runOnContext(v -> {
            waiting.addAll(deliveries);
            pump();
        });
    }

    /** Drops waiting deliveries that {@code which} selects (a deleted trigger's); attempts in flight finish. */
    Future<List<Delivery>> cancel(Predicate<Delivery> which) {
        Promise<List<Delivery>> dropped = Promise.promise();
        context.runOnContext(v -> {
            List<Delivery> removed = new ArrayList<>();
            waiting.removeIf(d -> which.test(d) && removed.add(d));
            removed.forEach(this::forget);
            dropped.complete(removed);
        });
        return dropped.future();
    }

    /** Tells {@code tracer} of every attempt from now on; {@code brokers} names a trigger's broker. */
    void tracer(DeliveryTracer tracer, java.util.function.Function<String, String> brokers) {
        this.brokers = brokers;
        this.tracer = tracer;
    }

    /** Looks for due deliveries now, e.g. after a test moved its clock. */
    void wake() {
        context.runOnContext(v -> pump());
    }

    /** Sends every delivery that is due, as far as the in-flight limit allows, and re-arms the timer. */
    private void pump() {
        if (closed || outcomes == null) {
            return;
        }
        long now = clock.millis();
        while (inFlight < maxInFlight && !waiting.isEmpty() && waiting.peek().nextAt <= now) {
            Delivery d = waiting.poll();
            DeliveryPolicy policy = policy(d);
            if (leases.covers(d, now, policy.timeout().toMillis())) {
                send(d, policy);
            } else {
                extend(d, now, policy);
            }
        }
        arm(now);
    }

    private DeliveryPolicy policy(Delivery d) {
        try {
            return outcomes.policy(d);
        } catch (RuntimeException | LinkageError e) {
            log.error("the delivery policy of {} cannot be made; it is sent under the default one", d, e);
            return DeliveryPolicy.defaults();
        }
    }

    /**
     * This node's lease on {@code d} might run out before its attempt would end: extend it first, then send;
     * drop {@code d} if its row turns out to be another node's (or gone).
     */
    private void extend(Delivery d, long now, DeliveryPolicy policy) {
        long until = leases.until(now, policy.timeout().toMillis());
        leases.extend(d, until).whenComplete((ours, e) -> context.runOnContext(v -> {
            if (closed) {
                return;
            }
            if (e != null) {
                log.warn("extending the lease of {} failed, trying again in a second: {}", d, e.getMessage());
                d.nextAt = clock.millis() + 1000;
                waiting.add(d);
            } else if (ours) {
                d.leaseUntil = Math.max(d.leaseUntil, until);
                waiting.add(d);
            } else {
                log.info("{} is no longer this node's (another node took it over, or its trigger was deleted): dropped here", d);
                forget(d);
            }
            pump();
        }));
    }

    private void arm(long now) {
        if (waiting.isEmpty() || inFlight >= maxInFlight) {
            return;
        }
        long at = waiting.peek().nextAt;
        if (timer >= 0 && timerAt <= at) {
            return;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        timerAt = at;
        timer = vertx.setTimer(Math.max(1, at - now), id -> {
            timer = -1;
            timerAt = Long.MAX_VALUE;
            pump();
        });
    }

    private void send(Delivery d, DeliveryPolicy policy) {
        inFlight++;
        d.attempts++;
        long started = clock.millis();
        try {
            outcomes.started(d);
            attempt(d, policy, started);
        } catch (RuntimeException | LinkageError e) {
            // Never lose track of a delivery: an attempt that could not even be made is a failed attempt.
            finish(d, Reply.failed("the attempt could not be made: " + e), policy, 0);
        }
    }

    private void attempt(Delivery d, DeliveryPolicy policy, long started) {
        if (!(d.target instanceof Destination.Service service)) {
            startExecution(d, (Destination.Workflow) d.target, policy, started);
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(service.path())
                .setConnectTimeout(policy.timeout().toMillis())
                .putHeader(HttpHeaders.HOST, d.target.name() + "." + gateway.domain() + ":" + gateway.port())
                .putHeader("Nubo-Attempt", Integer.toString(d.attempts));
        byte[] body;
        String incoming;
        if (d.isInvocation()) {
            Request request = Request.read(d.payload);
            request.headers().forEach(h -> options.addHeader(h.getKey(), h.getValue()));
            options.putHeader("X-Request-Id", Origin.name(d.origin, Origin.INVOCATION));
            body = request.body();
            incoming = String.valueOf(options.getHeaders().get("traceparent"));
        } else {
            body = CloudEventsHttp.writeBinary(d.event(), options::putHeader);
            incoming = String.valueOf(d.event().getExtension("traceparent"));
        }
        if (tracer != DeliveryTracer.NONE) {
            // The gateway and the instance continue this attempt's span (or the caller's, when it was not sampled).
            d.trace = AttemptContext.of(incoming, random, clock.instant());
            options.putHeader("traceparent", d.trace.traceparent());
        }
        // What a Lambda-style function makes of the body: the event as is, or the whole CloudEvent (docs/LAMBDA.md).
        options.putHeader(EventHeader.NAME, d.isInvocation() ? EventHeader.DIRECT : EventHeader.CLOUDEVENT);
        Optional<Shortcut.Lease> lease = shortcut.claim(d.target.name(), body.length);
        if (lease.isPresent()) {
            options.setHost(lease.get().host()).setPort(lease.get().port());
            if (!options.getHeaders().contains("X-Request-Id")) {
                options.putHeader("X-Request-Id", "dlv-" + d.id + "-" + d.attempts); // what the gateway would have added
            }
        } else {
            // Only through the gateway, which passes Nubo-Event with it and never hands the key to an instance.
            options.setHost(gateway.host()).setPort(gateway.port()).putHeader(EventHeader.KEY, EventHeader.key());
        }
        Promise<Reply> outcome = Promise.promise();
        HttpClientRequest[] sent = new HttpClientRequest[1];
        long deadline = vertx.setTimer(policy.timeout().toMillis(), id -> {
            if (outcome.tryFail("no answer within " + policy.timeout().toMillis() + " ms (the trigger's timeout)") && sent[0] != null) {
                sent[0].reset();
            }
        });
        String via = lease.isPresent() ? "its instance" : "the gateway";
        try {
            send(d, options, body, outcome, sent, via);
        } catch (RuntimeException e) {
            vertx.cancelTimer(deadline);
            lease.ifPresent(l -> l.release().run()); // a leaked slot would keep the instance from ever draining
            throw e;
        }
        outcome.future().recover(timeout -> Future.succeededFuture(Reply.failed(timeout.getMessage())))
                .onComplete(ar -> {
                    vertx.cancelTimer(deadline);
                    lease.ifPresent(l -> l.release().run());
                    finish(d, ar.result(), policy, clock.millis() - started);
                });
    }

    /**
     * A delivery to a workflow starts an execution named after the event's id, so a redelivery finds the
     * first one. Its fate reads like an HTTP answer's: a refusal that can never succeed (a bad input, say) is
     * a 4xx and not retried; a workflow not deployed yet is a 404, retried like a service not deployed yet.
     */
    private void startExecution(Delivery d, Destination.Workflow w, DeliveryPolicy policy, long started) {
        if (tracer != DeliveryTracer.NONE) {
            d.trace = AttemptContext.of(String.valueOf(d.event().getExtension("traceparent")), random, clock.instant());
        }
        CompletableFuture<Void> start;
        try {
            start = workflows.start(w.name(), executionName(d.event()), d.payload);
        } catch (RuntimeException e) {
            start = CompletableFuture.failedFuture(e);
        }
        start.orTimeout(policy.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).whenComplete((v, e) -> context.runOnContext(x -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            Reply reply = cause == null ? new Reply(201, List.of(), new byte[0], null)
                    : cause instanceof UserError u ? new Reply(u.httpStatus(), List.of(), String.valueOf(u.getMessage()).getBytes(), null)
                    : Reply.failed("starting an execution of workflow " + w.name() + " failed: " + cause);
            finish(d, reply, policy, clock.millis() - started);
        }));
    }

    /**
     * The execution's name for an event: its id when that is a valid name, else the id's valid characters and
     * a hash of the whole id (so that two ids differing only in other characters stay apart).
     */
    static String executionName(io.cloudevents.CloudEvent event) {
        String id = event.getId();
        if (id.matches("[A-Za-z0-9_-]{1,80}")) {
            return id;
        }
        String kept = id.replaceAll("[^A-Za-z0-9_-]", "-");
        return kept.substring(0, Math.min(kept.length(), 64)) + "-" + Integer.toHexString(id.hashCode());
    }

    private void send(Delivery d, RequestOptions options, byte[] body, Promise<Reply> outcome, HttpClientRequest[] sent, String via) {
        client.request(options)
                .compose(request -> {
                    sent[0] = request;
                    return request.send(Buffer.buffer(body));
                })
                .compose(this::readReply)
                .onComplete(ar -> outcome.tryComplete(ar.succeeded() ? ar.result()
                        : Reply.failed("cannot reach " + d.target.name() + " through " + via + ": " + ar.cause().getMessage())));
    }

    private Future<Reply> readReply(HttpClientResponse response) {
        Promise<Reply> reply = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() < MAX_REPLY_BYTES) {
                body.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_REPLY_BYTES - body.length()));
            }
        });
        response.exceptionHandler(reply::tryFail);
        response.endHandler(v -> {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            response.headers().forEach((java.util.function.Consumer<Map.Entry<String, String>>) headers::add);
            reply.tryComplete(new Reply(response.statusCode(), headers, body.getBytes(), null));
        });
        return reply.future();
    }

    private void finish(Delivery d, Reply reply, DeliveryPolicy policy, long durationMs) {
        inFlight--;
        if (closed) {
            return; // the event log is closing: the row stays as it was and is sent again at the next start
        }
        try {
            settle(d, reply, policy, durationMs);
        } catch (RuntimeException | Error e) {
            // An outcome that throws (a class missing from the distribution, say) must not stop the
            // dispatcher: the row stays stored and is sent again at the next start.
            log.error("recording the outcome of {} failed; it stays stored and is sent again after a restart", d, e);
        }
        pump();
    }

    private void settle(Delivery d, Reply reply, DeliveryPolicy policy, long durationMs) {
        Reply.Verdict verdict = reply.verdict();
        boolean retrying = verdict == Reply.Verdict.RETRY && d.attempts < policy.attempts();
        traced(d, reply, verdict == Reply.Verdict.DELIVERED ? "delivered" : retrying ? "retrying" : "gave up");
        if (verdict == Reply.Verdict.DELIVERED) {
            forget(d);
            outcomes.delivered(d, reply, durationMs);
        } else if (retrying) {
            Instant now = clock.instant();
            Duration wait = policy.delay(d.attempts, reply.retryAfter(now), random);
            d.nextAt = now.toEpochMilli() + wait.toMillis();
            d.lastError = reply.describe(d.target.name());
            waiting.add(d);
            long until = leases.until(d.nextAt, policy.timeout().toMillis());
            outcomes.retrying(d, reply, until).whenComplete((ours, e) -> context.runOnContext(v -> {
                if (e == null && ours) {
                    d.leaseUntil = Math.max(d.leaseUntil, until);
                } else if (e == null && waiting.remove(d)) {
                    log.info("{} is no longer this node's (another node took it over, or its trigger was deleted): dropped here", d);
                    forget(d);
                }
            }));
        } else {
            forget(d);
            d.lastError = reply.describe(d.target.name());
            outcomes.gaveUp(d, reply, durationMs);
        }
    }

    private void traced(Delivery d, Reply reply, String outcome) {
        AttemptContext t = d.trace;
        d.trace = null;
        if (t == null || !t.sampled()) {
            return;
        }
        try {
            boolean trigger = Origin.is(d.origin, Origin.TRIGGER);
            boolean invocation = d.isInvocation();
            tracer.attempt(new DeliveryAttempt(t.traceId(), t.spanId(), t.parentSpanId(), invocation ? "invocation" : "event", d.origin,
                    trigger ? brokers.apply(Origin.name(d.origin, Origin.TRIGGER)) : "", invocation ? "" : d.event().getId(),
                    d.target.name(), d.attempts, outcome, reply.status(), reply.status() == 0 ? String.valueOf(reply.error()) : "",
                    t.start(), clock.instant()));
        } catch (RuntimeException e) {
            log.warn("the trace of an attempt of {} is lost: {}", d, e.toString());
        }
    }

    private void forget(Delivery d) {
        backlog.remove(d.origin);
    }

    /** Stops sending; what is waiting stays in storage and is picked up at the next start. */
    @Override
    public void close() {
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            closed = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            stopped.complete();
        });
        try {
            // Blocks a plain thread (never an event loop: close is called from the server's shutdown).
            stopped.future().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // Vert.x is already closing: nothing more will run on the context anyway.
        }
    }
}
