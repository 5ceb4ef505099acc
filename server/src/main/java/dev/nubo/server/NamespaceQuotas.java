package dev.nubo.server;

import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.instances.Instance;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Namespaced;
import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import dev.nubo.store.Namespaces;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The namespaces (docs/SECURITY.md, "Namespaces") and what their services hold against their quotas:
 * services, live instances, and the memory those instances are given. A deploy that would go over a
 * quota is refused here, before anything is stored; the autoscaler asks {@link #instanceRoom} before it
 * adds instances. The namespace {@code default} always exists and has no quotas.
 */
final class NamespaceQuotas {

    /** What a namespace holds now. */
    record Usage(List<String> services, int instances, long memory) {}

    /** For a quota of this namespace, the room left: its name as the CLI writes it, and how many more. */
    record Room(String quota, long left) {}

    private static final Namespaces.Namespace DEFAULT = new Namespaces.Namespace(Namespaced.DEFAULT, 0, 0, 0, Instant.EPOCH);

    private final Store store;
    private final ServiceRecords records;
    private final Reconciler reconciler;
    /** The namespaces as last read, for the autoscaler's ticks, which must not wait on the database. */
    private volatile Map<String, Namespaces.Namespace> known = Map.of();

    NamespaceQuotas(Store store, ServiceRecords records, Reconciler reconciler) {
        this.store = store;
        this.records = records;
        this.reconciler = reconciler;
        refresh();
    }

    /** Reads the namespaces again (blocks): quotas another node changed hold back the autoscaler from now on. */
    void refresh() {
        known = store.namespaces().all().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Namespaces.Namespace::name, n -> n));
    }

    /**
     * The autoscaler's {@code wanted} instances of {@code revision}, held to what its namespace's quotas
     * leave room for beside every live instance of the namespace; its reason then says which quota, which
     * {@code nubo describe} shows. Reads only memory (the quotas as last {@link #refresh read}).
     */
    ScaleDecision cap(String service, String revision, int live, ScaleDecision wanted) {
        Namespaces.Namespace ns = known.get(Namespaced.namespaceOf(service));
        if (ns == null || ns.maxInstances() == 0 && ns.maxMemory() == 0) {
            return wanted;
        }
        int instances = 0;
        long memory = 0;
        for (var s : records.services()) {
            if (Namespaced.namespaceOf(s.name()).equals(ns.name())) {
                for (Instance i : reconciler.instances(s.name())) {
                    instances++;
                    memory += i.spec().memoryBytes();
                }
            }
        }
        long each = records.of(service).revisions().stream().filter(r -> r.id().equals(revision)).findFirst()
                .map(r -> reconciler.descriptor(r).memory()).orElse(0L);
        return capped(wanted, live, ns.name(), room(ns, instances, memory, each));
    }

    /** {@code wanted}, or fewer instances with the quota named in its reason when {@code room} leaves fewer. */
    static ScaleDecision capped(ScaleDecision wanted, int live, String namespace, Optional<Room> room) {
        if (room.isEmpty() || wanted.desired() <= live + room.get().left()) {
            return wanted;
        }
        int allowed = (int) (live + room.get().left());
        return new ScaleDecision(allowed, wanted.mode(), wanted.stableConcurrency(), wanted.panicConcurrency(),
                wanted.reason() + "; held at " + allowed + " instead of " + wanted.desired() + " by namespace " + namespace + "'s quota "
                        + room.get().quota());
    }

    /** Every namespace, {@code default} first. */
    List<Namespaces.Namespace> all() {
        List<Namespaces.Namespace> all = new java.util.ArrayList<>(List.of(DEFAULT));
        all.addAll(store.namespaces().all());
        return all;
    }

    Optional<Namespaces.Namespace> find(String name) {
        return name.equals(Namespaced.DEFAULT) ? Optional.of(DEFAULT) : store.namespaces().get(name);
    }

    /** @throws UserError 404 {@code namespace.not_found} */
    Namespaces.Namespace existing(String name) {
        return find(name).orElseThrow(() -> UserError.notFound("namespace.not_found", "no namespace named " + name,
                "`nubo ns list` shows the namespaces; an admin makes one with `nubo ns create " + name + "`"));
    }

    /** The services of {@code namespace} (their stored names), their live instances and the memory those are given. */
    Usage usage(String namespace) {
        List<String> services = store.services().stream().map(ServiceRecord::name)
                .filter(n -> Namespaced.namespaceOf(n).equals(namespace)).toList();
        int instances = 0;
        long memory = 0;
        for (String s : services) {
            for (Instance i : reconciler.instances(s)) {
                instances++;
                memory += i.spec().memoryBytes();
            }
        }
        return new Usage(services, instances, memory);
    }

    /**
     * Refuses a deploy of {@code d} (named as stored) that would take its namespace over a quota: a new
     * service past {@code max-services}; its first {@code max(1, scale.min)} instances, beside the other
     * services' live ones, past {@code max-instances} or {@code max-memory}.
     *
     * @throws UserError 404 for a namespace that does not exist, 409 {@code namespace.quota} naming the quota
     */
    void checkDeploy(String namespace, Descriptor d) {
        Namespaces.Namespace ns = existing(namespace);
        if (ns.maxServices() == 0 && ns.maxInstances() == 0 && ns.maxMemory() == 0) {
            return;
        }
        Usage used = usage(namespace);
        boolean created = !used.services().contains(d.name());
        if (created && ns.maxServices() > 0 && used.services().size() >= ns.maxServices()) {
            throw over(namespace, "max-services", ns.maxServices() + " services", "it has " + String.join(", ",
                    used.services().stream().map(Namespaced::nameOf).toList()), "delete one of them first (`nubo delete -n " + namespace + " NAME`)");
        }
        List<Instance> own = reconciler.instances(d.name());
        int others = used.instances() - own.size();
        long othersMemory = used.memory() - own.stream().mapToLong(i -> i.spec().memoryBytes()).sum();
        int starting = Math.max(1, d.scale().min());
        if (ns.maxInstances() > 0 && others + starting > ns.maxInstances()) {
            throw over(namespace, "max-instances", ns.maxInstances() + " instances", "its other services run " + others
                    + " and this deploy starts " + starting, "lower scale.min, or stop instances of other services");
        }
        if (ns.maxMemory() > 0 && othersMemory + starting * d.memory() > ns.maxMemory()) {
            throw over(namespace, "max-memory", Quantities.formatBytes(ns.maxMemory()) + " of memory", "its other services' instances hold "
                    + Quantities.formatBytes(othersMemory) + " and this deploy starts " + starting + " × " + Quantities.formatBytes(d.memory()),
                    "lower memory or scale.min in nubo.yaml");
        }
    }

    /**
     * How many more instances {@code namespace} may start, by the tighter of its instance and memory
     * quotas for instances of {@code memory} bytes, given {@code live} instances holding {@code liveMemory};
     * empty when it has neither quota.
     */
    static Optional<Room> room(Namespaces.Namespace ns, int live, long liveMemory, long memory) {
        Optional<Room> room = Optional.empty();
        if (ns.maxInstances() > 0) {
            room = Optional.of(new Room("max-instances " + ns.maxInstances(), Math.max(0, ns.maxInstances() - live)));
        }
        if (ns.maxMemory() > 0 && memory > 0) {
            long byMemory = Math.max(0, (ns.maxMemory() - liveMemory) / memory);
            if (room.isEmpty() || byMemory < room.get().left()) {
                room = Optional.of(new Room("max-memory " + Quantities.formatBytes(ns.maxMemory()), byMemory));
            }
        }
        return room;
    }

    private static UserError over(String namespace, String quota, String limit, String why, String hint) {
        return UserError.conflict("namespace.quota", "namespace " + namespace + " is at its quota of " + limit + " (" + quota + "): " + why,
                hint + ", or raise the quota: `nubo ns set " + namespace + " --" + quota + " N`");
    }
}
