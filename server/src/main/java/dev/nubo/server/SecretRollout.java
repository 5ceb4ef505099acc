package dev.nubo.server;

import dev.nubo.model.RevisionState;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import dev.nubo.store.Store;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Which services use a secret, and rolling them when it changes: an instance reads its secrets'
 * values once, at launch, so a rotated value reaches a service through a new revision of the same
 * code and nubo.yaml, which starts, proves itself and takes the traffic as any deploy does (the
 * store's change feed tells every node's reconciler). Only a service whose newest revision is READY
 * is rolled; one still deploying launches with the values stored when its instances start.
 */
final class SecretRollout {

    private final Store store;
    private final InstantSource clock;

    SecretRollout(Store store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The services whose newest revision takes a value from {@code secret}. */
    List<String> users(String secret) {
        return store.services().stream().map(ServiceRecord::name)
                .filter(s -> newest(s).filter(r -> uses(r, secret)).isPresent()).toList();
    }

    /** Deploys a new revision of every READY service that uses {@code secret}; returns their new revisions' ids. */
    List<String> roll(String secret) {
        return store.services().stream().map(ServiceRecord::name)
                .flatMap(s -> newest(s).filter(r -> r.state() == RevisionState.READY && uses(r, secret)).stream())
                .map(r -> {
                    RevisionRecord next = store.createRevision(r.service(), r.descriptorYaml(), r.digest(), clock.instant());
                    store.addEvent(r.service(), Optional.of(next.id()), clock.instant(),
                            "deploying " + next.id() + " (the code and nubo.yaml of " + r.id() + ") because secret " + secret + " changed");
                    return next.id();
                }).toList();
    }

    private Optional<RevisionRecord> newest(String service) {
        return store.revisions(service).stream().findFirst();
    }

    private static boolean uses(RevisionRecord r, String secret) {
        return r.descriptor().secretRefs().anyMatch(ref -> ref.secret().equals(secret));
    }
}
