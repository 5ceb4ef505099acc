package dev.nubo.events;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's share of the work: at start it takes back the deliveries its last run left;
 * then, every third of a lease, it reads the triggers again (another node may have changed them),
 * renews this node's leases, and takes over deliveries whose lease has run out (a node that died).
 * What it takes is counted in the backlog and handed to the dispatcher like any new delivery.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Vertx vertx;
    private final Leases leases;
    private final TriggerRegistry triggers;
    private final TriggerCounts counts;
    private final Invocations invocations;
    private final Backlog backlog;
    private final Dispatcher dispatcher;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final EventLoop loop;
    private io.vertx.core.Future<Long> timer;

    LeaseKeeper(Vertx vertx, EventLoop loop, Leases leases, TriggerRegistry triggers, TriggerCounts counts, Invocations invocations, Backlog backlog,
                Dispatcher dispatcher) {
        this.vertx = vertx;
        this.loop = loop;
        this.leases = leases;
        this.triggers = triggers;
        this.counts = counts;
        this.invocations = invocations;
        this.backlog = backlog;
        this.dispatcher = dispatcher;
    }

    /** At start, blocking: this node's own deliveries, then any whose lease ran out; then the periodic rounds. */
    void start() {
        adopt(leases.resumeOwn().join());
        takeOver();
        long every = Math.max(1, leases.lease().toMillis() / 3);
        timer = loop.setPeriodic(every, every, () -> {
            if (busy.compareAndSet(false, true)) {
                vertx.executeBlocking(() -> {
                    try {
                        keep();
                    } finally {
                        busy.set(false);
                    }
                    return null;
                }, false).onFailure(e -> log.warn("keeping this node's delivery leases failed; trying again in {} ms: {}",
                        every, e.getMessage()));
            }
        });
    }

    /** One round, blocking: triggers read again, leases renewed, expired ones taken over. */
    void keep() {
        for (Trigger gone : triggers.refresh()) {
            dispatcher.cancel(d -> d.origin.equals(gone.origin()));
            counts.forget(gone.name());
        }
        leases.renew().join();
        takeOver();
    }

    private void takeOver() {
        while (true) {
            List<Delivery> claimed = leases.claimExpired().join();
            if (!claimed.isEmpty()) {
                log.info("took over {} deliveries whose lease had run out (a node stopped, or lost touch with the event log)",
                        claimed.size());
                adopt(claimed);
            }
            if (claimed.size() < Leases.CLAIM_BATCH) {
                return;
            }
        }
    }

    private void adopt(List<Delivery> deliveries) {
        invocations.adopt(deliveries);
        deliveries.forEach(d -> backlog.add(d.origin));
        dispatcher.submit(deliveries);
    }

    @Override
    public void close() {
        if (timer != null) {
            loop.cancel(timer);
        }
    }
}
