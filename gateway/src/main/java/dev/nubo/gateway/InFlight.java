package dev.nubo.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests currently proxied to each instance, and what each has shown it can take, by instance id.
 * Both outlive route tables: a request picked from an old table still counts against the instance
 * after it left the new one, which is exactly what a caller draining that instance waits on; and an
 * instance keeps its learned limit while tables come and go around it.
 */
final class InFlight {

    /** One instance's requests in flight and its learned limit. */
    record Slots(AtomicInteger inFlight, AdaptiveLimit limit) {}

    private final ConcurrentHashMap<String, Slots> slots = new ConcurrentHashMap<>();
    private final int maxLimit;

    /** @param maxLimit the most any learned limit grows to */
    InFlight(int maxLimit) {
        this.maxLimit = maxLimit;
    }

    /** The slots to hold on to; taken when a table is indexed, not per request. A new instance starts a new limit. */
    Slots slots(String instanceId) {
        return slots.computeIfAbsent(instanceId, id -> new Slots(new AtomicInteger(), new AdaptiveLimit(maxLimit, System.nanoTime())));
    }

    int get(String instanceId) {
        Slots s = slots.get(instanceId);
        return s == null ? 0 : s.inFlight().get();
    }

    /**
     * Forgets idle instances in neither the current nor the previous table. Keeping the previous
     * table's covers a request that picked from it just before the swap and has not counted itself
     * yet; without the pruning, every instance ever seen would be remembered.
     */
    void forgetIdleExcept(Set<String> current, Set<String> previous) {
        slots.entrySet().removeIf(e -> e.getValue().inFlight().get() == 0
                && !current.contains(e.getKey()) && !previous.contains(e.getKey()));
    }
}
