package dev.nubo.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service registry: Nubo's own instances (the platform's truth, {@link #platform}) and the apps
 * that register themselves over Eureka's API, listed as one view with a version that every change
 * raises. An app's registration made from this machine on the port of a Nubo instance is tied to
 * that instance: it is UP only while Nubo finds the instance ready, points at the instance's host,
 * and is gone the moment Nubo stops routing to it. Other registrations live on leases their
 * clients renew. Thread-safe; watchers hear each change in version order, on the thread that made
 * it, so they must not block.
 *
 * <pre>{@code
 * Registry registry = new Registry(InstantSource.system());
 * registry.platform(new PlatformInstance("hello-00001-abcde", "hello", "127.0.0.1", 40123, true));
 * registry.snapshot().instances();   // HELLO, UP, 127.0.0.1:40123
 * }</pre>
 */
public final class Registry {

    /** How long changes are kept for delta fetches: Eureka's server keeps them three minutes too. */
    static final Duration DELTA_RETENTION = Duration.ofMinutes(3);

    private static final Logger log = LoggerFactory.getLogger(Registry.class);

    private final InstantSource clock;
    private final ClientCaches caches;
    private final Map<String, Lease> leases = new LinkedHashMap<>();             // by app/id, guarded by this
    private final Map<String, PlatformInstance> platform = new LinkedHashMap<>(); // by Nubo instance id
    private final Map<String, Long> platformSince = new LinkedHashMap<>();
    /** Instances Nubo is draining: out of the registry, still serving until callers' caches let go of them. */
    private final Map<String, Draining> draining = new LinkedHashMap<>();
    /** When a client last fetched the registry (full, delta or one app), in the clock's millis; 0 before any. */
    private long lastFetch;
    private Map<String, Listed> view = new LinkedHashMap<>();
    private long version;
    private final Deque<Change> recent = new ArrayDeque<>();
    private final List<Consumer<Change>> watchers = new CopyOnWriteArrayList<>();

    public Registry(InstantSource clock) {
        this(clock, ClientCaches.DEFAULTS);
    }

    /** @param caches how long the clients Nubo starts keep what they fetched (the environment it gives them) */
    public Registry(InstantSource clock, ClientCaches caches) {
        this.clock = clock;
        this.caches = caches;
    }

    private record Draining(int port, long callersGoneAt) {}

    /** The whole registry at one version. */
    public record Snapshot(long version, List<Listed> instances) {

        /**
         * Eureka's {@code apps__hashcode}: a count per status, e.g. {@code DOWN_1_UP_2_}. A client
         * compares it with its own after applying a delta, and fetches everything when they differ.
         */
        public String appsHashCode() {
            Map<String, Integer> counts = new TreeMap<>();
            instances.forEach(i -> counts.merge(i.status().name(), 1, Integer::sum));
            StringBuilder sb = new StringBuilder();
            counts.forEach((status, n) -> sb.append(status).append('_').append(n).append('_'));
            return sb.toString();
        }
    }

    /** The changes of the last {@link #DELTA_RETENTION}, the latest per instance, with the registry they lead to. */
    public record Delta(Snapshot now, List<Change> changes) {}

    private static final class Lease {
        Registration registration;
        final long registeredAt;
        long renewedAt;
        Status override = Status.UNKNOWN;
        Optional<String> boundTo = Optional.empty();

        Lease(Registration registration, long now) {
            this.registration = registration;
            this.registeredAt = now;
            this.renewedAt = now;
        }
    }

    /**
     * Registers (or registers again, keeping a status override) an app's instance. A registration
     * from an instance Nubo is draining is taken and dropped: its client, told by a renewal that it
     * is gone, registers again, and must not bring it back while callers move off it.
     */
    synchronized void register(Registration r) {
        long now = clock.millis();
        if (fromDraining(r)) {
            return;
        }
        Lease lease = leases.get(key(r.app(), r.id()));
        if (lease == null) {
            leases.put(key(r.app(), r.id()), new Lease(r, now));
        } else {
            lease.registration = r;
            lease.renewedAt = now;
        }
        recompute();
    }

    /** A heartbeat: false for an instance the registry does not hold, which tells the client to register again. */
    synchronized boolean renew(String app, String id) {
        Lease lease = leases.get(key(app, id));
        if (lease == null) {
            return false;
        }
        lease.renewedAt = clock.millis();
        return true;
    }

    /** Removes an app's registration; false when there is none. Nubo's own instances cannot be cancelled. */
    synchronized boolean cancel(String app, String id) {
        boolean removed = leases.remove(key(app, id)) != null;
        if (removed) {
            recompute();
        }
        return removed;
    }

    /** Sets ({@code status} present) or clears a status override on an app's registration; false when there is none. */
    synchronized boolean override(String app, String id, Optional<Status> status) {
        Lease lease = leases.get(key(app, id));
        if (lease == null) {
            return false;
        }
        lease.override = status.orElse(Status.UNKNOWN);
        recompute();
        return true;
    }

    /** One of Nubo's instances, starting or ready: listed, and the apps registered from it follow it. */
    public synchronized void platform(PlatformInstance instance) {
        platform.put(instance.id(), instance);
        platformSince.putIfAbsent(instance.id(), clock.millis());
        recompute();
    }

    /**
     * Nubo stopped routing to the instance but lets it serve on: it leaves the registry now, with
     * every app registered from it, and {@link #callersGoneAt} says until when it must keep serving.
     */
    public synchronized void platformDraining(String instanceId) {
        PlatformInstance instance = platform.get(instanceId);
        if (instance != null) {
            draining.put(instanceId, new Draining(instance.port(), callersGone(instanceId)));
        }
        unlist(instanceId);
    }

    /** The instance is stopped (or never started): out of the registry, and no longer draining. */
    public synchronized void platformGone(String instanceId) {
        draining.remove(instanceId);
        unlist(instanceId);
    }

    /**
     * Until when a client may still call the instance from what it fetched: the last fetch while it
     * was listed plus {@link ClientCaches#bound()}; now if no client fetched the registry since it
     * was listed. Adaptive: with no Spring client about, a drain waits for nothing.
     */
    public synchronized java.time.Instant callersGoneAt(String instanceId) {
        Draining d = draining.get(instanceId);
        return java.time.Instant.ofEpochMilli(d != null ? d.callersGoneAt() : callersGone(instanceId));
    }

    /** A client fetched the registry: what it got may be in its caches for {@link ClientCaches#bound()}. */
    public synchronized void fetched() {
        lastFetch = clock.millis();
    }

    private long callersGone(String instanceId) {
        long now = clock.millis();
        Long since = platformSince.get(instanceId);
        if (since == null || lastFetch < since) {
            return now;
        }
        return Math.max(now, lastFetch + caches.bound().toMillis());
    }

    private boolean fromDraining(Registration r) {
        return r.nuboInstance().filter(draining::containsKey).isPresent()
                || r.local() && draining.values().stream().anyMatch(d -> d.port() == r.port());
    }

    /** The instance leaves the registry now, with every app registered from it. */
    private void unlist(String instanceId) {
        boolean known = platform.remove(instanceId) != null;
        platformSince.remove(instanceId);
        boolean bound = leases.values().removeIf(l -> l.boundTo.equals(Optional.of(instanceId)));
        if (known || bound) {
            recompute();
        }
    }

    /** Drops the registrations whose clients stopped renewing for longer than their lease. */
    public synchronized void expire() {
        long now = clock.millis();
        if (leases.values().removeIf(l -> now - l.renewedAt > l.registration.leaseSeconds() * 1000L)) {
            recompute();
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(version, List.copyOf(view.values()));
    }

    public synchronized Delta delta() {
        prune();
        Map<String, Change> latest = new LinkedHashMap<>();
        recent.forEach(c -> {
            String key = key(c.instance().app(), c.instance().id());
            latest.remove(key);     // in the order of each instance's latest change
            latest.put(key, c);
        });
        return new Delta(snapshot(), List.copyOf(latest.values()));
    }

    /** The changes after {@code version} still kept, in order; empty when {@code version} is too old to resume from. */
    public synchronized Optional<List<Change>> since(long version) {
        prune();
        if (version >= this.version) {
            return Optional.of(List.of());
        }
        if (recent.isEmpty() || recent.peekFirst().version() > version + 1) {
            return Optional.empty();
        }
        return Optional.of(recent.stream().filter(c -> c.version() > version).toList());
    }

    /** Calls {@code watcher} with each change from now on; the returned action stops that. */
    public Runnable watch(Consumer<Change> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** Under the lock: a snapshot and a watch from exactly its version, so no change falls between them. */
    public synchronized Snapshot watchFrom(Consumer<Change> watcher, Consumer<Runnable> stop) {
        stop.accept(watch(watcher));
        return snapshot();
    }

    /** Recomputes the view from leases and platform instances and announces what changed. */
    private void recompute() {
        long now = clock.millis();
        Map<String, Listed> next = new LinkedHashMap<>();
        Set<String> replaced = new HashSet<>();
        for (Lease lease : leases.values()) {
            Registration r = lease.registration;
            if (lease.boundTo.isEmpty()) {
                lease.boundTo = runsIn(r);
            }
            Optional<PlatformInstance> in = lease.boundTo.map(platform::get);
            Status status = lease.override != Status.UNKNOWN ? lease.override : r.status();
            if (in.isPresent() && !in.get().ready() && status == Status.UP) {
                status = Status.STARTING;
            }
            in.filter(p -> p.service().equalsIgnoreCase(r.app())).ifPresent(p -> replaced.add(p.id()));
            String host = in.map(PlatformInstance::host).orElse(r.host());
            next.put(key(r.app(), r.id()), new Listed(r.app(), r.id(), host, r.port(), status, lease.override, Listed.Source.CLIENT,
                    in.map(PlatformInstance::id), r.raw(), lease.registeredAt, now, r.dirty(), r.leaseSeconds()));
        }
        for (PlatformInstance p : platform.values()) {
            if (!replaced.contains(p.id())) {
                String app = p.service().toUpperCase(Locale.ROOT);
                long since = platformSince.get(p.id());
                next.put(key(app, p.id()), new Listed(app, p.id(), p.host(), p.port(), p.ready() ? Status.UP : Status.STARTING,
                        Status.UNKNOWN, Listed.Source.PLATFORM, Optional.of(p.id()), JsonNodeFactory.instance.objectNode(), since, now,
                        since, 90));
            }
        }
        List<Change> changes = new ArrayList<>();
        next.replaceAll((k, listed) -> {
            Listed before = view.get(k);
            if (before == null) {
                changes.add(new Change(0, Change.Action.ADDED, listed));
                return listed;
            }
            if (!listed.sameAs(before)) {
                changes.add(new Change(0, Change.Action.MODIFIED, listed));
                return listed;
            }
            return before;
        });
        view.forEach((k, before) -> {
            if (!next.containsKey(k)) {
                changes.add(new Change(0, Change.Action.DELETED, before.updatedAt(now)));
            }
        });
        view = next;
        for (Change c : changes) {
            Change numbered = new Change(++version, c.action(), c.instance());
            recent.addLast(numbered);
            for (Consumer<Change> w : watchers) {
                try {
                    w.accept(numbered);
                } catch (RuntimeException e) {
                    // A watcher's failure (its connection's event loop closing at shutdown, say) is its own:
                    // the instance change that called us, and the other watchers, go on.
                    log.debug("a registry watcher failed on change {}", numbered.version(), e);
                }
            }
        }
        prune();
    }

    /** The Nubo instance an app's registration runs in: named in its metadata, or found by its port. */
    private Optional<String> runsIn(Registration r) {
        if (r.nuboInstance().filter(platform::containsKey).isPresent()) {
            return r.nuboInstance();
        }
        if (!r.local()) {
            return Optional.empty();
        }
        return platform.values().stream().filter(p -> p.port() == r.port()).map(PlatformInstance::id).findFirst();
    }

    private void prune() {
        long oldest = clock.millis() - DELTA_RETENTION.toMillis();
        while (!recent.isEmpty() && recent.peekFirst().instance().updated() < oldest) {
            recent.removeFirst();
        }
    }

    private static String key(String app, String id) {
        return app.toUpperCase(Locale.ROOT) + "/" + id;
    }
}
