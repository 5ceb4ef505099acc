package dev.nubo.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The event loop eventing runs on: a Vert.x deployment of its own, as every part of Nubo that owns an
 * event loop is (docs/ARCHITECTURE.md, "Event loops and shutdown"). The dispatcher's sends, its timers
 * and the counters' and leases' periodic rounds all run on its context, whichever thread opened
 * eventing; undeploying it on close cancels what is left there.
 */
final class EventLoop implements AutoCloseable {

    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Vertx vertx;
    private final String deployment;
    private final Context context;

    private EventLoop(Vertx vertx, String deployment, Context context) {
        this.vertx = vertx;
        this.deployment = deployment;
        this.context = context;
    }

    /** Deploys the loop and returns once it is there. Blocks: call it off event loops. */
    static EventLoop deploy(Vertx vertx) {
        AtomicReference<Context> context = new AtomicReference<>();
        String deployment = vertx.deployVerticle(ctx -> {
            context.set(ctx);
            return Future.succeededFuture();
        }).await();
        return new EventLoop(vertx, deployment, context.get());
    }

    Context context() {
        return context;
    }

    /** A periodic timer on this loop, whatever thread asks for it; its id arrives once it is set. */
    Future<Long> setPeriodic(long delayMs, long everyMs, Runnable task) {
        // Set from a task on the loop's context, so that the timer belongs to it: from any other thread,
        // Vert.x would make a context of its own for the timer (a new event loop).
        Promise<Long> id = Promise.promise();
        context.runOnContext(v -> id.complete(vertx.setPeriodic(delayMs, everyMs, t -> task.run())));
        return id.future();
    }

    /** A one-off timer on this loop, whatever thread asks for it. */
    void setTimer(long delayMs, Runnable task) {
        context.runOnContext(v -> vertx.setTimer(delayMs, t -> task.run()));
    }

    /** Cancels a timer set by {@link #setPeriodic}, whenever its id arrives. */
    void cancel(Future<Long> timer) {
        timer.onSuccess(vertx::cancelTimer);
    }

    @Override
    public void close() {
        try {
            vertx.undeploy(deployment).await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Vert.x is closing already, or the loop is gone: nothing is left to cancel.
        }
    }
}
