package dev.nubo.server;

import dev.nubo.store.Store;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored code that no revision refers to any more: run once a deleted service's last
 * instance has stopped, since until then its processes may still read their code.
 */
final class CodeCollector {

    private static final Logger log = LoggerFactory.getLogger(CodeCollector.class);
    /** Unreferenced code younger than this may belong to a deploy that has not recorded its revision yet. */
    static final Duration CODE_GRACE = Duration.ofMinutes(10);

    private final Store store;
    private final Artifacts artifacts;
    private final InstantSource clock;

    CodeCollector(Store store, Artifacts artifacts, InstantSource clock) {
        this.store = store;
        this.artifacts = artifacts;
        this.clock = clock;
    }

    void collect() {
        Set<String> referenced = new HashSet<>();
        store.services().forEach(s -> store.revisions(s.name()).forEach(r -> referenced.add(r.digest())));
        int deleted = artifacts.collect(referenced, clock.instant().minus(CODE_GRACE));
        if (deleted > 0) {
            log.info("deleted {} unused code archive(s)", deleted);
        }
    }
}
