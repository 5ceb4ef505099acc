package dev.nubo.gateway;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one revision is asked for: arrivals, and the requests waiting for room. It outlives route
 * tables, because a request held while the revision was at zero must be released by the table that
 * brings its first instance.
 *
 * <p>We hold requests here rather than fail them because a revision at zero, or with every instance
 * at its limit, is a normal state for a serverless platform: the autoscaler is already starting an
 * instance. The queue is ordered by receipt across all event loops: once anyone waits, newcomers
 * queue behind them, and a request that went back to the queue because its instance did not take the
 * connection ({@link #requeue}) is first again, ahead of everyone who came after it. A held request is
 * taken exactly once, by whoever wins its {@link Held#take()}: a dispatcher with a claimed instance,
 * its expiry timer, its caller hanging up, or a reroute when the revision leaves the table.
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

    /** A request waiting for room, on its connection's event loop; one per stay in the queue. */
    static final class Held {
        private static final AtomicLong SEQUENCE = new AtomicLong();
        /** By receipt; requests received in the same nanosecond in the order they were queued. */
        static final Comparator<Held> ORDER = Comparator.comparingLong((Held h) -> h.receivedNanos).thenComparingLong(h -> h.sequence);

        private final AtomicBoolean taken = new AtomicBoolean();
        private final Demand demand;
        private final long receivedNanos;
        private final long sequence = SEQUENCE.incrementAndGet();
        private final Waiter waiter;

        /** @param receivedNanos when the gateway received the request ({@link System#nanoTime()}): its place in the queue */
        Held(Demand demand, long receivedNanos, Waiter waiter) {
            this.demand = demand;
            this.waiter = waiter;
            this.receivedNanos = receivedNanos;
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

        /** Since receipt: a request that went back to the queue waited all along. */
        long heldNanos() {
            return System.nanoTime() - receivedNanos;
        }
    }

    private static final int RECENT_HOLDS = 512;

    private final String revision;
    private final LongAdder arrivals = new LongAdder();
    private final LongAdder holds = new LongAdder();
    private final ConcurrentSkipListSet<Held> queue = new ConcurrentSkipListSet<>(Held.ORDER);
    private final AtomicInteger waiting = new AtomicInteger();
    private final long[] recentHoldNanos = new long[RECENT_HOLDS];
    private int recentCount;
    private volatile Target target;        // the revision in the current table; null once it left
    private final Meters.RevisionMeter meter;

    Demand(String revision) {
        this(revision, Meters.RevisionMeter.NONE);
    }

    Demand(String revision, Meters.RevisionMeter meter) {
        this.revision = revision;
        this.meter = meter;
    }

    /** Where the revision's requests are measured; resolved once, with the demand. */
    Meters.RevisionMeter meter() {
        return meter;
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

    /**
     * Queues again a request that was handed an instance which did not take its connection: it was
     * admitted already, so a full queue does not turn it away. Not counted as a new hold. The caller
     * then calls {@link #dispatch()}, as after {@link #hold}.
     */
    void requeue(Held held) {
        waiting.incrementAndGet();
        queue.add(held);
    }

    /** Hands waiting requests, oldest first, to instances with room, until either runs out. */
    void dispatch() {
        while (waiting.get() > 0) {
            Target t = target;
            if (t == null) {
                return;
            }
            Upstream room = t.claim();
            if (room == null) {
                return;
            }
            Held next = nextWaiting();
            if (next == null) {
                room.unclaim();  // whoever queues next dispatches for itself
                return;
            }
            long heldNanos = next.heldNanos();
            recordHold(heldNanos);
            meter.held(heldNanos);
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
        for (Held h = queue.pollFirst(); h != null; h = queue.pollFirst()) {
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
