package dev.nubo.store;

import java.util.Optional;

/**
 * One write that changed a service, as the change feed records it, in the same transaction as the
 * write itself: a change is in the feed if and only if it is in the store.
 *
 * @param generation this change's place in the feed: consecutive, in the order the writes committed
 * @param revision the revision concerned, where there is one (a deploy's, a transition's, a pin's)
 */
public record Change(long generation, String service, Kind kind, Optional<String> revision) {

    /** What was written. */
    public enum Kind {
        /** A new revision was recorded (and its service created on its first deploy; any pin cleared). */
        DEPLOYED,
        /** A revision became READY. */
        READY,
        /** A revision became FAILED. */
        FAILED,
        /** The service's traffic split or tags were replaced (and any pin cleared). */
        TRAFFIC,
        /** The service was pinned to a revision by a rollback, or unpinned (no revision). */
        PINNED,
        /** The service was deleted with its revisions. */
        DELETED
    }
}
