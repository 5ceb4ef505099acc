package dev.nubo.server;

import dev.nubo.model.Descriptor;
import dev.nubo.model.Namespaced;
import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreConflict;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;

/** Turns an uploaded archive into a new revision: validate everything first, then record, then start. */
final class Deployments {

    /** What {@code POST /v1/deployments} answers. */
    record Deployed(String service, String revision, String digest, long size, String url, boolean created) {}

    /** How many times a traffic change without If-Match starts over when another lands between its read and its write. */
    private static final int TRAFFIC_ATTEMPTS = 5;

    /** How long a traffic change waits for the new routes, so its answer shows them. */
    private static final java.time.Duration TRAFFIC_APPLY_WAIT = java.time.Duration.ofSeconds(10);

    private final Artifacts artifacts;
    private final Runtimes runtimes;
    private final Store store;
    private final ServiceRecords records;
    private final Reconciler reconciler;
    private final Urls urls;
    private final NamespaceQuotas namespaces;
    private final InstantSource clock;

    /**
     * Every write here reaches the reconcilers (this node's and any other sharing the store) through the
     * store's change feed ({@link FeedChanges}), not by a call; only a traffic change also waits for this
     * node's pass, so that its answer shows the routes it made.
     */
    Deployments(Artifacts artifacts, Runtimes runtimes, Store store, ServiceRecords records, Reconciler reconciler,
                Urls urls, NamespaceQuotas namespaces, InstantSource clock) {
        this.artifacts = artifacts;
        this.runtimes = runtimes;
        this.store = store;
        this.records = records;
        this.reconciler = reconciler;
        this.urls = urls;
        this.namespaces = namespaces;
        this.clock = clock;
    }

    Deployed deploy(Path upload) {
        return deploy(upload, Namespaced.DEFAULT);
    }

    /** As {@link #deploy(Path)}, into {@code namespace}: the service is stored as {@code NAME.NAMESPACE} ({@link Namespaced}). */
    Deployed deploy(Path upload, String namespace) {
        Artifacts.Stored stored = artifacts.store(upload);
        Descriptor d = Descriptor.parse(stored.descriptorYaml());
        d = d.named(Namespaced.qualified(d.name(), namespace));
        namespaces.checkDeploy(namespace, d);
        runtimes.validate(d, stored.codeDir());
        JwtAuthorizer.check(d, clock); // keys that do not parse or answer are the deploy's 400, not every caller's 401
        checkPaths(d);
        RevisionRecord r = store.createRevision(d.name(), stored.descriptorYaml(), stored.digest(), clock.instant());
        boolean created = r.number() == 1; // numbering starts with the service: 1 is the deploy that created it
        store.addEvent(d.name(), Optional.of(r.id()), clock.instant(),
                r.id() + " created from " + stored.digest().substring(0, 19) + "… (" + d.runtime().kind() + ")");
        return new Deployed(d.name(), r.id(), stored.digest(), stored.size(), urls.service(d.name()), created);
    }

    /**
     * Pins the service to a READY revision: the given one, or else the newest READY revision older
     * than the one serving now. Traffic moves once its instances are ready.
     */
    String rollback(String service, Optional<String> revision) {
        ServiceRecord read = store.service(service).orElseThrow(() -> NotFound.service(service));
        var revisions = store.revisions(service);
        int current = reconciler.routed(service).flatMap(id -> revisions.stream().filter(r -> r.id().equals(id)).findFirst())
                .map(RevisionRecord::number).orElse(Integer.MAX_VALUE);
        RevisionRecord target = revision.map(id -> revisions.stream().filter(r -> r.id().equals(id)).findFirst()
                        .orElseThrow(() -> NotFound.revision(service, id)))
                .orElseGet(() -> revisions.stream().filter(r -> r.number() < current && r.state() == RevisionState.READY)
                        .findFirst().orElseThrow(() -> UserError.conflict("revision.not_ready",
                                "service " + service + " has no ready revision older than the one serving",
                                "name a revision: `nubo rollback " + service + " REVISION`")));
        if (target.state() != RevisionState.READY) {
            throw UserError.conflict("revision.not_ready", target.id() + " is " + target.state()
                    + target.reason().map(r -> " (" + r + ")").orElse("") + " and cannot take traffic",
                    "roll back to a revision that became ready; `nubo describe " + service + "` shows their states");
        }
        try {
            store.pin(service, Optional.of(target.id()), read.trafficVersion());
        } catch (StoreConflict e) {
            throw UserError.conflict("traffic.changed", e.getMessage() + "; the rollback changed nothing",
                    "look at it again (`nubo describe " + service + "`) and roll back again");
        }
        store.addEvent(service, Optional.of(target.id()), clock.instant(), "rolled back to " + target.id() + " (pinned until the next deploy)");
        return target.id();
    }

    /**
     * Sets how the service's traffic is split and tagged. Every revision named must be READY (or
     * {@code latest}); the change replaces a rollback's pin and survives deploys. Traffic moves at
     * once: a revision at zero holds its first requests while it starts.
     *
     * <p>The store writes only over the version this change was checked against. With {@code ifMatch}
     * (the version the caller read), a change made since is a 412; without, the caller replaces
     * whatever is there, and a change that lands between this read and this write makes it start over.
     *
     * @return the service as stored, with its new traffic version
     */
    ServiceRecord traffic(String service, Traffic traffic, OptionalLong ifMatch) {
        for (int attempt = 1; ; attempt++) {
            ServiceRecord current = store.service(service).orElseThrow(() -> NotFound.service(service));
            if (ifMatch.isPresent() && ifMatch.getAsLong() != current.trafficVersion()) {
                throw changed(service, ifMatch.getAsLong(), current.trafficVersion());
            }
            checkReady(service, current, traffic);
            ServiceRecord written;
            try {
                written = store.setTraffic(service, traffic, current.trafficVersion());
            } catch (StoreConflict e) {
                if (ifMatch.isEmpty() && attempt < TRAFFIC_ATTEMPTS) {
                    continue;
                }
                long now = e.currentVersion().orElse(current.trafficVersion());
                throw ifMatch.isPresent() ? changed(service, current.trafficVersion(), now)
                        : UserError.conflict("traffic.changed", "the traffic of service " + service + " kept changing while this"
                                + " change was made (" + TRAFFIC_ATTEMPTS + " attempts)", "send it again");
            }
            store.addEvent(service, Optional.empty(), clock.instant(), "traffic set: " + describe(traffic));
            reconciler.reconcileAndWait(service, TRAFFIC_APPLY_WAIT);
            return written;
        }
    }

    private static UserError changed(String service, long read, long now) {
        return UserError.preconditionFailed("traffic.changed", "the traffic of service " + service + " changed since it was read:"
                        + " If-Match names version \"" + read + "\", it is at \"" + now + "\" now",
                "read it again (GET /v1/services/" + service + "/traffic), make your change to what it is now and send that"
                        + " with If-Match: \"" + now + "\"; `nubo traffic` does this by itself");
    }

    private void checkReady(String service, ServiceRecord current, Traffic traffic) {
        var revisions = store.revisions(service);
        java.util.List<String> named = new java.util.ArrayList<>(traffic.splits().stream().map(Traffic.Split::revision).toList());
        // A tag kept as it was is not checked again: a tagged revision that failed since must not block other changes.
        traffic.tags().forEach((tag, id) -> {
            if (!id.equals(current.traffic().tags().get(tag))) {
                named.add(id);
            }
        });
        for (String id : named) {
            if (id.equals(Traffic.LATEST)) {
                continue;
            }
            RevisionRecord r = revisions.stream().filter(x -> x.id().equals(id)).findFirst()
                    .orElseThrow(() -> NotFound.revision(service, id));
            if (r.state() != RevisionState.READY) {
                throw UserError.conflict("revision.not_ready", id + " is " + r.state()
                        + r.reason().map(x -> " (" + x + ")").orElse("") + " and cannot take traffic",
                        "name revisions that became ready; `nubo describe " + service + "` shows their states");
            }
        }
        if (traffic.splits().stream().anyMatch(s -> s.revision().equals(Traffic.LATEST))
                && revisions.stream().noneMatch(r -> r.state() == RevisionState.READY)) {
            throw UserError.conflict("revision.not_ready", "service " + service + " has no ready revision for `latest`",
                    "deploy until a revision becomes ready, then split its traffic");
        }
    }

    /** {@code hello-00002=90 latest=10; tags canary=hello-00003}: the form {@code nubo traffic} takes. */
    private static String describe(Traffic traffic) {
        String splits = traffic.splits().stream().map(s -> s.revision() + "=" + s.percent())
                .collect(java.util.stream.Collectors.joining(" "));
        String tags = traffic.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" "));
        return tags.isEmpty() ? splits : splits + "; tags " + tags;
    }

    /** Deletes the service's records at once; its instances drain and stop in the background. */
    void delete(String service) {
        if (!store.deleteService(service)) {
            throw NotFound.service(service);
        }
    }

    /**
     * A path prefix belongs to one service; the owner is whoever's live revisions claim it. Read from
     * memory (caught up with the feed, so another node's deploy counts), and not at all for a service
     * that claims no path, so a deploy does not slow down with the number of services.
     */
    private void checkPaths(Descriptor d) {
        if (d.paths().isEmpty()) {
            return;
        }
        records.catchUp();
        for (var other : records.services()) {
            if (other.name().equals(d.name())) {
                continue;
            }
            for (RevisionRecord r : records.of(other.name()).revisions()) {
                if (r.state() == RevisionState.FAILED) {
                    continue;
                }
                for (String p : reconciler.descriptor(r).paths()) {
                    if (d.paths().contains(p)) {
                        throw UserError.conflict("path.taken", "path " + p + " is already routed to service " + other.name(),
                                "choose another prefix in `paths`, or remove it from " + other.name() + " first");
                    }
                }
                break;
            }
        }
    }
}
