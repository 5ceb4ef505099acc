package dev.nubo.workflows;

import java.util.Map;
import java.util.Set;

/**
 * An execution's lifecycle: RUNNING until it succeeds, fails, times out or is stopped (ABORTED), each
 * final. An illegal transition is a bug and fails loudly.
 *
 * <pre>
 * RUNNING ─┬─▶ SUCCEEDED
 *          ├─▶ FAILED
 *          ├─▶ TIMED_OUT
 *          └─▶ ABORTED
 * </pre>
 */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED;

    private static final Map<ExecutionStatus, Set<ExecutionStatus>> NEXT = Map.of(
            RUNNING, Set.of(RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED),
            SUCCEEDED, Set.of(), FAILED, Set.of(), TIMED_OUT, Set.of(), ABORTED, Set.of());

    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    /** {@code to}, if this may move there; else an {@link IllegalStateException} naming both. */
    ExecutionStatus to(ExecutionStatus to) {
        if (!NEXT.get(this).contains(to)) {
            throw new IllegalStateException("an execution cannot go from " + this + " to " + to);
        }
        return to;
    }
}
