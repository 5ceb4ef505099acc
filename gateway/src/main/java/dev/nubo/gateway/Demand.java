package dev.nubo.gateway;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one revision is asked for: arrivals, and the requests waiting for room. It outlives route
 * tables, because a request held while the revision was at zero must be released by the table that
 * brings its first instance.
 *
 * <p>We hold requests here rather than fail them because a revision at zero, or with every instance
 * at its limit, is a normal state for a serverless platform: the autoscaler is already starting an
 * instance. The queue is FIFO across all event loops: once anyone waits, newcomers queue behind
 * them. A held request is taken exactly once, by whoever wins its {@link Held#take()}: a dispatcher
 * with a claimed instance, its expiry timer, its caller hanging up, or a reroute when the revision
 * leaves the table.
 *
 * <p>No wake-up is lost: a holder enqueues and then dispatches; a finishing request releases its
 * slot and then, seeing someone waiting, dispatches. Whichever runs second finds both the room and
 * the waiter.
 */
final class Demand {

    /** The held request's side: both calls come from any thread and must hop to the request's event loop. */
    interface Waiter {
        /** An instance has room; {@code claimed} is already counted in flight for this request. */
        void room(Upstream claimed);

        /** The revision left the route table; route the request again. */
        void reroute();
    }

    /** A request waiting for room, on its connection's event loop. */
    static final class Held {
        private final AtomicBoolean taken = new AtomicBoolean();
        private final Demand demand;
        private final long sinceNanos;
        private final Waiter waiter;

        Held(Demand demand, Waiter waiter) {
            this.demand = demand;
            this.waiter = waiter;
            this.sinceNanos = System.nanoTime();
        }

        /** True for exactly one caller; that caller decides the request's fate. */
        boolean take() {
            if (taken.compareAndSet(false, true)) {
                demand.waiting.decrementAndGet();
                return true;
            }
            return false;
        }

        /** Taken by its expiry or its caller leaving: out of the queue now rather than at the next dispatch. */
        void cancel() {
            demand.queue.remove(this);
        }

        long heldNanos() {
            return System.nanoTime() - sinceNanos;
        }
    }

    private static final int RECENT_HOLDS = 512;

    private final String revision;
    private final LongAdder arrivals = new LongAdder();
    private final LongAdder holds = new LongAdder();
    private final ConcurrentLinkedQueue<Held> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final long[] recentHoldNanos = new long[RECENT_HOLDS];
    private int recentCount;
    private volatile Target target;        // the revision in the current table; null once it left

    Demand(String revision) {
        this.revision = revision;
    }

    String revision() {
        return revision;
    }

    void arrived() {
        arrivals.increment();
    }

    int waiting() {
        return waiting.get();
    }

    /** Points the demand at the current table's target (null: the revision left the table). */
    void target(Target current) {
        target = current;
    }

    Target target() {
        return target;
    }

    /**
     * Queues a request unless {@code maxLength} already wait; true when queued. The caller then
     * calls {@link #dispatch()}, in case room appeared while it was queueing.
     */
    boolean hold(Held held, int maxLength) {
        if (waiting.incrementAndGet() > maxLength) {
            waiting.decrementAndGet();
            return false;
        }
        holds.increment();
        queue.add(held);
        return true;
    }

    /** Hands waiting requests, oldest first, to instances with room, until either runs out. */
    void dispatch() {
        while (waiting.get() > 0) {
            Target t = target;
            if (t == null) {
                return;
            }
            Upstream room = t.claim(null);
            if (room == null) {
                return;
            }
            Held next = nextWaiting();
            if (next == null) {
                room.unclaim();  // whoever queues next dispatches for itself
                return;
            }
            recordHold(next.heldNanos());
            next.waiter.room(room);
        }
    }

    /** Sends every waiting request back to routing: the revision left the table. */
    void rerouteAll() {
        for (Held h = nextWaiting(); h != null; h = nextWaiting()) {
            h.waiter.reroute();
        }
    }

    private Held nextWaiting() {
        for (Held h = queue.poll(); h != null; h = queue.poll()) {
            if (h.take()) {
                return h;
            }
        }
        return null;
    }

    private synchronized void recordHold(long nanos) {
        recentHoldNanos[recentCount++ % RECENT_HOLDS] = nanos;
    }

    /** What the autoscaler and {@code nubo describe} see; {@code inFlight} counts the current table's instances. */
    synchronized RevisionLoad load() {
        Target t = target;
        long[] recent = Arrays.copyOf(recentHoldNanos, Math.min(recentCount, RECENT_HOLDS));
        Arrays.sort(recent);
        return new RevisionLoad(revision, t == null ? 0 : t.inFlight(), waiting.get(), arrivals.sum(), holds.sum(),
                percentile(recent, 0.50), percentile(recent, 0.99), recent.length == 0 ? Duration.ZERO : Duration.ofNanos(recent[recent.length - 1]));
    }

    private static Duration percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]);
    }
}
