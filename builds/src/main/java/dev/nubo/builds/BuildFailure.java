package dev.nubo.builds;

import java.util.List;

/**
 * A build that did not produce what is to be uploaded: a command that failed (with its last lines),
 * a tool that is not installed, an output that is missing. The message says what failed, the hint
 * what to do.
 */
public final class BuildFailure extends RuntimeException {

    private final String hint;
    private final List<String> lastLines;

    BuildFailure(String message, String hint, List<String> lastLines) {
        super(message, null, false, false);
        this.hint = hint;
        this.lastLines = List.copyOf(lastLines);
    }

    BuildFailure(String message, String hint) {
        this(message, hint, List.of());
    }

    public String hint() {
        return hint;
    }

    /** The last lines the failed command printed, oldest first; empty when no command ran. */
    public List<String> lastLines() {
        return lastLines;
    }
}
