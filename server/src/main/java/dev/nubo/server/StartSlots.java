package dev.nubo.server;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How many fresh processes may be starting at once on this machine, across all services: one per
 * core. A process that starts fresh (a JVM, an app server) keeps a core busy until it is ready;
 * beside others on the same cores it takes longer (PetClinic's 7 s became 11-17 s with three JVMs on
 * two cores), so starting more at once brings the first one ready later and the last no sooner. A
 * pooled runtime process being specialised costs next to nothing and takes no slot.
 *
 * <p>A reconcile plan counts the {@link #free} slots; the fleet takes one before each fresh launch. A
 * service that is refused one, or whose plan found none ({@link #awaitSlot}), is reconciled again
 * (through {@code wake}) as soon as a start ends, and meanwhile its requests wait in the gateway as
 * they do during any cold start. Thread-safe; not on any request's path.
 */
final class StartSlots {

    private final int parallel;
    private final Consumer<String> wake;
    private final Set<String> starting = new HashSet<>();
    private final Set<String> refused = new LinkedHashSet<>();

    /**
     * @param parallel how many fresh starts may run at once, at least 1; the machine's cores
     * @param wake reconciles a service that was refused a slot, once one frees
     */
    StartSlots(int parallel, Consumer<String> wake) {
        if (parallel < 1) {
            throw new IllegalArgumentException("start slots need at least 1 parallel start, got " + parallel);
        }
        this.parallel = parallel;
        this.wake = wake;
    }

    /** Takes a slot for a fresh start of {@code instanceId}; false when all are taken, and {@code service} is woken later. */
    synchronized boolean tryTake(String service, String instanceId) {
        if (starting.size() >= parallel) {
            refused.add(service);
            return false;
        }
        starting.add(instanceId);
        return true;
    }

    /**
     * Wakes {@code service} when a start ends, for a plan that found no free slot. Returns true, and
     * registers nothing, when a slot has freed since: then plan again at once.
     */
    synchronized boolean awaitSlot(String service) {
        if (starting.size() < parallel) {
            return true;
        }
        refused.add(service);
        return false;
    }

    /** How many fresh starts may begin now. */
    synchronized int free() {
        return Math.max(0, parallel - starting.size());
    }

    /** The instance is no longer starting (ready, failed, stopped, or never launched); a no-op if it held no slot. */
    void ended(String instanceId) {
        List<String> woken;
        synchronized (this) {
            if (!starting.remove(instanceId) || refused.isEmpty()) {
                return;
            }
            woken = List.copyOf(refused);
            refused.clear();
        }
        woken.forEach(wake);
    }

    /** Fresh starts under way now. */
    synchronized int starting() {
        return starting.size();
    }

    int parallel() {
        return parallel;
    }
}
