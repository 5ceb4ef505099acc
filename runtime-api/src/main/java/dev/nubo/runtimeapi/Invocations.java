package dev.nubo.runtimeapi;

import dev.nubo.model.TraceIds;

import dev.nubo.runtimeapi.Invocation.Stage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches invocations with the runtime's {@code /next} long-polls: a FIFO queue of invocations nobody has
 * asked for yet, a FIFO of polls nothing has arrived for yet (one, for a single-threaded runtime), and every
 * live invocation by id, so that a runtime's answer finds its caller.
 *
 * <p><b>Time.</b> At its deadline a queued invocation is dropped and its caller gets 504 (running it
 * would be wasted work), and a delivered one's caller gets 504 while the runtime carries on. If the
 * runtime has still not answered {@code stuckGrace} later it is stuck: {@code onStuck} runs once, so the
 * platform can recycle the instance.
 *
 * <p><b>Ending.</b> An invocation leaves every structure here exactly once, in {@link #finish}: answered
 * by the runtime, dropped while queued (caller gone, deadline), or failed wholesale ({@link #failAll})
 * when the runtime exits. Confined to the bridge's event loop.
 */
final class Invocations {

    private static final Logger LOG = LoggerFactory.getLogger(Invocations.class);

    private final Vertx vertx;
    private final FunctionInfo function;
    private final String functionArn;
    private final Duration stuckGrace;
    private final InstantSource clock;
    private final InstanceLog log;
    private final Runnable onStuck;
    private final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    private final ArrayDeque<HttpServerRequest> polls = new ArrayDeque<>();
    private final Map<String, Invocation> live = new HashMap<>();

    Invocations(Vertx vertx, FunctionInfo function, Duration stuckGrace, InstantSource clock, InstanceLog log,
            Runnable onStuck) {
        this.vertx = vertx;
        this.function = function;
        this.functionArn = function.functionArn();
        this.stuckGrace = stuckGrace;
        this.clock = clock;
        this.log = log;
        this.onStuck = onStuck;
    }

    /**
     * The id for a new invocation: the caller's {@code X-Request-Id} when it is plain (it travels in the
     * runtime's URLs) and not in use by a live invocation, else a fresh UUID.
     */
    String idFor(String requested) {
        if (requested != null && TraceIds.isRequestId(requested) && !live.containsKey(requested)) {
            return requested;
        }
        String id;
        do {
            id = UUID.randomUUID().toString();
        } while (live.containsKey(id));
        return id;
    }

    void offer(Invocation invocation) {
        live.put(invocation.id(), invocation);
        invocation.timer = vertx.setTimer(Math.max(1, invocation.deadlineMs() - clock.millis()), t -> deadlinePassed(invocation));
        HttpServerRequest poll = waitingPoll();
        if (poll != null) {
            deliver(invocation, poll);
        } else {
            queue.addLast(invocation);
        }
    }

    /** A runtime's {@code GET /next}: the oldest queued invocation, or a wait without timeout for the next one. */
    void poll(HttpServerRequest next) {
        Invocation invocation = queue.pollFirst();
        if (invocation != null) {
            deliver(invocation, next);
            return;
        }
        polls.addLast(next);
        next.response().closeHandler(v -> polls.remove(next));
    }

    /** The invocation a runtime may answer now: delivered to it, and not being answered already. */
    Optional<Invocation> awaitingAnswer(String id) {
        Invocation invocation = live.get(id);
        return invocation != null && invocation.stage() == Stage.DELIVERED ? Optional.of(invocation) : Optional.empty();
    }

    void callerGone(Invocation invocation) {
        invocation.callerGone();
        if (invocation.stage() == Stage.QUEUED) {
            queue.remove(invocation);
            finish(invocation);
        }
    }

    /** The runtime's end is over: forget the invocation. Idempotent. */
    void finish(Invocation invocation) {
        if (invocation.stage() == Stage.FINISHED) {
            return;
        }
        invocation.moveTo(Stage.FINISHED);
        invocation.releasePayload();
        live.remove(invocation.id(), invocation);
        if (invocation.timer >= 0) {
            vertx.cancelTimer(invocation.timer);
            invocation.timer = -1;
        }
    }

    /**
     * Ends every invocation, queued or in the runtime's hands, with {@code error}, and hangs up on the
     * runtime's waiting polls (its process is gone, or going).
     */
    void failAll(CallerError error) {
        for (Invocation invocation : new ArrayList<>(live.values())) {
            invocation.fail(error);
            finish(invocation);
        }
        queue.clear();
        for (HttpServerRequest poll : new ArrayList<>(polls)) {
            poll.connection().close();
        }
        polls.clear();
    }

    int liveCount() {
        return live.size();
    }

    int waitingPolls() {
        return polls.size();
    }

    private HttpServerRequest waitingPoll() {
        HttpServerRequest poll;
        while ((poll = polls.pollFirst()) != null) {
            if (!poll.response().closed()) {
                return poll;
            }
        }
        return null;
    }

    private void deliver(Invocation invocation, HttpServerRequest next) {
        invocation.moveTo(Stage.DELIVERED);
        next.response().closeHandler(null);
        invocation.deliverTo(next.response(), functionArn).onComplete(written -> {
            if (written.succeeded()) {
                invocation.releasePayload();
            } else if (invocation.stage() == Stage.DELIVERED) {
                // the runtime never got it (its connection broke): the next poll gets it, ahead of newer ones
                LOG.debug("redelivering {}: {}", invocation.id(), written.cause().toString());
                invocation.moveTo(Stage.QUEUED);
                HttpServerRequest poll = waitingPoll();
                if (poll != null) {
                    deliver(invocation, poll);
                } else {
                    queue.addFirst(invocation);
                }
            }
        });
    }

    private void deadlinePassed(Invocation invocation) {
        invocation.timer = -1;
        switch (invocation.stage()) {
            case QUEUED -> {
                queue.remove(invocation);
                invocation.fail(CallerError.timedOut(function.timeout()));
                finish(invocation);
            }
            case DELIVERED, ANSWERING -> {
                if (invocation.stage() == Stage.DELIVERED) {
                    invocation.fail(CallerError.timedOut(function.timeout()));
                }
                invocation.timer = vertx.setTimer(Math.max(1, stuckGrace.toMillis()), t -> stuck(invocation));
            }
            case FINISHED -> { }
        }
    }

    private void stuck(Invocation invocation) {
        invocation.timer = -1;
        if (invocation.stage() == Stage.FINISHED || invocation.stuckReported) {
            return;
        }
        invocation.stuckReported = true;
        log.line("invocation " + invocation.id() + " is still unanswered " + stuckGrace.toMillis()
                + " ms after its deadline (timeout " + function.timeout().toMillis() + " ms): the runtime is stuck;"
                + " the instance will be recycled");
        try {
            onStuck.run();
        } catch (RuntimeException e) {
            LOG.warn("onStuck of instance {} failed", function.instanceId(), e);
        }
    }
}
