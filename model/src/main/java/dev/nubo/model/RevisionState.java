package dev.nubo.model;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a revision. A revision is immutable code plus configuration; its state only says
 * whether it has proven it can serve.
 *
 * <pre>
 *   DEPLOYING ──ready──▶ READY ──crash loop──▶ FAILED
 *       └──────never ready / crash loop──────────▲
 * </pre>
 *
 * Only a READY revision ever takes traffic. Whether it takes traffic right now is the service's
 * routing decision, not a state of the revision: a READY revision that was replaced stays READY so
 * that a rollback can bring it back.
 */
public enum RevisionState {
    DEPLOYING,
    READY,
    FAILED;

    private static final Map<RevisionState, Set<RevisionState>> NEXT = Map.of(
            DEPLOYING, EnumSet.of(READY, FAILED),
            READY, EnumSet.of(FAILED),
            FAILED, EnumSet.noneOf(RevisionState.class));

    public boolean canBecome(RevisionState next) {
        return NEXT.get(this).contains(next);
    }

    /** Fails loudly on an illegal transition: it always means a bug in the reconciler. */
    public RevisionState to(RevisionState next) {
        if (!canBecome(next)) {
            throw new IllegalStateException("revision cannot go from " + this + " to " + next);
        }
        return next;
    }
}
