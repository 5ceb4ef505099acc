package dev.nubo.javaruntime;

/**
 * The host cannot start serving: bad environment, or the function's code cannot be loaded or
 * constructed. The message is one line naming the cause and the fix; the host prints it after
 * {@code "nubo: "} and exits with status 1, which the platform reports as the revision's failure.
 */
final class InitFailure extends RuntimeException {

    /** Whether the cause's stack trace helps the user (it does when their own code threw). */
    private final boolean showCause;

    InitFailure(String message) {
        super(message);
        this.showCause = false;
    }

    InitFailure(String message, Throwable userCodeFailure) {
        super(message, userCodeFailure);
        this.showCause = true;
    }

    boolean showCause() {
        return showCause;
    }
}
