package dev.nubo.cli;

/**
 * An expected failure of a command: the server said no, the server is unreachable, the user pointed
 * at the wrong directory. It is reported as {@code error: <message>} and {@code hint: <hint>} on
 * standard error, without a stack trace, and ends the command with exit code 1.
 */
final class CommandError extends RuntimeException {

    private final String hint;

    CommandError(String message, String hint) {
        super(message, null, false, false);
        this.hint = hint == null ? "" : hint;
    }

    CommandError(String message) {
        this(message, "");
    }

    /** What to do about it; empty when there is nothing useful to say. */
    String hint() {
        return hint;
    }
}
