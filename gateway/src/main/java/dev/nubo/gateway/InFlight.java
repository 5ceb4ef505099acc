package dev.nubo.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests currently proxied to each instance, by instance id. The counters outlive route tables:
 * a request picked from an old table still counts against the instance after it left the new one,
 * which is exactly what a caller draining that instance waits on.
 */
final class InFlight {

    private final ConcurrentHashMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    /** The counter to hold on to; taken when a table is indexed, not per request. */
    AtomicInteger counter(String instanceId) {
        return counters.computeIfAbsent(instanceId, id -> new AtomicInteger());
    }

    int get(String instanceId) {
        AtomicInteger counter = counters.get(instanceId);
        return counter == null ? 0 : counter.get();
    }

    /**
     * Forgets idle counters of instances in neither the current nor the previous table. Keeping the
     * previous table's counters covers a request that picked from it just before the swap and has
     * not counted itself yet; without the pruning, every instance ever seen would keep a counter.
     */
    void forgetIdleExcept(Set<String> current, Set<String> previous) {
        counters.entrySet().removeIf(e -> e.getValue().get() == 0
                && !current.contains(e.getKey()) && !previous.contains(e.getKey()));
    }
}
