package dev.nubo.workflows;

/**
 * An error inside an execution, by the Amazon States Language's names: a task's failure (the
 * function's error type, or {@code States.TaskFailed}), {@code States.Timeout}, {@code States.Runtime}
 * (a path that finds nothing, an input of the wrong shape), or what a Fail state raises. Retry and
 * Catch match on {@link #error()}; an execution that none catches fails with it.
 */
final class StatesError extends RuntimeException {

    static final String ALL = "States.ALL";
    static final String TASK_FAILED = "States.TaskFailed";
    static final String TIMEOUT = "States.Timeout";
    static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    static final String RUNTIME = "States.Runtime";
    static final String NO_CHOICE = "States.NoChoiceMatched";
    static final String BRANCH_FAILED = "States.BranchFailed";

    private final String error;
    private final String cause;

    StatesError(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.cause = cause;
    }

    static StatesError runtime(String cause) {
        return new StatesError(RUNTIME, cause);
    }

    String error() {
        return error;
    }

    String cause() {
        return cause;
    }

    /**
     * Whether an {@code ErrorEquals} list matches this error. {@code States.ALL} matches every error
     * but {@code States.Runtime} (a bug in the definition or its input, which retrying cannot mend:
     * Step Functions does the same); {@code States.TaskFailed} matches every error but that and
     * {@code States.Timeout}.
     */
    boolean matches(java.util.List<String> errorEquals) {
        for (String name : errorEquals) {
            if (name.equals(error)
                    || name.equals(ALL) && !error.equals(RUNTIME)
                    || name.equals(TASK_FAILED) && !error.equals(RUNTIME) && !error.equals(TIMEOUT) && !error.startsWith("States.")) {
                return true;
            }
        }
        return false;
    }
}
