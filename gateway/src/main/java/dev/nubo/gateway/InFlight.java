package dev.nubo.gateway;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests currently proxied to each instance, and what each has shown it can take, by instance id.
 * Both outlive route tables: a request picked from an old table still counts against the instance
 * after it left the new one, which is exactly what a caller draining that instance waits on; and an
 * instance keeps its learned limit while tables come and go around it.
 */
final class InFlight {

    /**
     * One instance's requests in flight, its learned limit, and whoever waits for it to be idle.
     * Waiting costs the request path nothing until someone waits: a release that brings the count to
     * zero only looks at an empty queue.
     */
    static final class Slots {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AdaptiveLimit limit;
        private final Ejection ejection = new Ejection();
        private final ConcurrentLinkedQueue<CompletableFuture<Void>> idle = new ConcurrentLinkedQueue<>();

        Slots(AdaptiveLimit limit) {
            this.limit = limit;
        }

        AtomicInteger inFlight() {
            return inFlight;
        }

        // The ids of the requests sent to the instance and not ended yet, for attributing its log lines.
        // Apart from the slot counter: a slot is also taken by a connection attempt that sends nothing.
        private String[] serving = new String[4];  // guarded by this; grows, never shrinks, so no allocation per request
        private int servingCount;

        /** A request's head goes to the instance now. */
        synchronized void serving(String requestId) {
            if (servingCount == serving.length) {
                serving = java.util.Arrays.copyOf(serving, servingCount * 2);
            }
            serving[servingCount++] = requestId;
        }

        /** A request {@link #serving} announced has ended. */
        synchronized void served(String requestId) {
            for (int i = 0; i < servingCount; i++) {
                if (serving[i] == requestId) {  // the same exchange's own string: identity is exact
                    serving[i] = serving[--servingCount];
                    serving[servingCount] = null;
                    return;
                }
            }
        }

        /** The one request the instance serves now, or null when it serves none or several. */
        synchronized String alone() {
            return servingCount == 1 ? serving[0] : null;
        }

        AdaptiveLimit limit() {
            return limit;
        }

        /** Whether the instance is out of picking for failing ({@code resilience.outliers}). */
        Ejection ejection() {
            return ejection;
        }

        /** A request ended (or a claimed slot went unused); the instance is idle when that was the last one. */
        void release() {
            if (inFlight.decrementAndGet() == 0 && !idle.isEmpty()) {
                signalIdle();
            }
        }

        /**
         * Completes once no request is in flight: at once if none is now. Enqueueing before reading the
         * count means a release racing this call either sees the waiter or is seen to have reached zero.
         */
        CompletableFuture<Void> whenIdle() {
            CompletableFuture<Void> waiter = new CompletableFuture<>();
            idle.add(waiter);
            if (inFlight.get() == 0) {
                signalIdle();
            }
            return waiter;
        }

        private void signalIdle() {
            for (CompletableFuture<Void> waiter; (waiter = idle.poll()) != null; ) {
                waiter.complete(null);
            }
        }
    }

    private final ConcurrentHashMap<String, Slots> slots = new ConcurrentHashMap<>();
    private final int maxLimit;

    /** @param maxLimit the most any learned limit grows to */
    InFlight(int maxLimit) {
        this.maxLimit = maxLimit;
    }

    /** The slots to hold on to; taken when a table is indexed, not per request. A new instance starts a new limit. */
    Slots slots(String instanceId) {
        return slots.computeIfAbsent(instanceId, id -> new Slots(new AdaptiveLimit(maxLimit, System.nanoTime())));
    }

    /** The one request the instance serves now; empty when none, several, or an instance the gateway does not know. */
    java.util.Optional<String> alone(String instanceId) {
        Slots s = slots.get(instanceId);
        return s == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(s.alone());
    }

    int get(String instanceId) {
        Slots s = slots.get(instanceId);
        return s == null ? 0 : s.inFlight().get();
    }

    /** Completes once no request is in flight to the instance; at once for one the gateway has never seen or forgot. */
    CompletableFuture<Void> whenIdle(String instanceId) {
        Slots s = slots.get(instanceId);
        return s == null ? CompletableFuture.completedFuture(null) : s.whenIdle();
    }

    /**
     * Forgets idle instances in neither the current nor the previous table. Keeping the previous
     * table's covers a request that picked from it just before the swap and has not counted itself
     * yet; without the pruning, every instance ever seen would be remembered. An idle instance has
     * no one waiting for it to be idle, so nobody's wait is lost with it.
     */
    void forgetIdleExcept(Set<String> current, Set<String> previous) {
        slots.entrySet().removeIf(e -> e.getValue().inFlight().get() == 0
                && !current.contains(e.getKey()) && !previous.contains(e.getKey()));
    }
}
