package dev.nubo.events;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * An asynchronous invocation's lifecycle:
 *
 * <pre>
 * QUEUED ──▶ RUNNING ──▶ SUCCEEDED
 *              │  ▲
 *              ▼  │
 *            RETRYING ──▶ (RUNNING again)
 *              RUNNING ──▶ FAILED   (the last attempt failed, or the service rejected the request)
 * </pre>
 *
 * A restart finds RUNNING invocations whose attempt was cut off; they run again (at least once).
 */
public enum InvocationStatus {
    QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED;

    Set<InvocationStatus> next() {
        return switch (this) {
            case QUEUED, RETRYING -> EnumSet.of(RUNNING);
            case RUNNING -> EnumSet.of(RUNNING, RETRYING, SUCCEEDED, FAILED);
            case SUCCEEDED, FAILED -> EnumSet.noneOf(InvocationStatus.class);
        };
    }

    /** @throws IllegalStateException for a transition the diagram does not have */
    InvocationStatus to(InvocationStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("an invocation cannot go from " + this + " to " + target);
        }
        return target;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
