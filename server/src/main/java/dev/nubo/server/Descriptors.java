package dev.nubo.server;

import dev.nubo.model.Descriptor;
import dev.nubo.store.RevisionRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parsed {@code nubo.yaml} of each revision, parsed once: a revision never changes, and every
 * reconcile pass and API view needs them. Kept per service, so a deleted service's go with it.
 * Thread-safe.
 */
final class Descriptors {

    private final Map<String, Map<String, Descriptor>> byService = new ConcurrentHashMap<>();

    Descriptor of(RevisionRecord r) {
        return byService.computeIfAbsent(r.service(), s -> new ConcurrentHashMap<>()).computeIfAbsent(r.id(), id -> r.descriptor());
    }

    /** The descriptor of a revision seen before, even if its records are deleted since. */
    Optional<Descriptor> known(String service, String revision) {
        return Optional.ofNullable(byService.getOrDefault(service, Map.of()).get(revision));
    }

    void forget(String service) {
        byService.remove(service);
    }
}
