package dev.nubo.cli;

import java.io.PrintWriter;

/**
 * Progress lines for deploy and rollback. On a terminal a transient status line is redrawn in place
 * and marks are coloured; into a pipe or file every line is plain and final, so logs and scripts
 * see no escape codes and no carriage returns.
 */
final class Screen {

    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";
    private static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean colour;
    private boolean transientShown;

    Screen(PrintWriter out, Env env) {
        this.out = out;
        this.terminal = env.terminal();
        this.colour = env.colour();
    }

    /** A step that finished: {@code ✓ revision hello-java-00003 created}. */
    synchronized void done(String text) {
        line(mark("✓", GREEN) + " " + text);
    }

    /** A step under way: {@code … instance hello-java-00003-x7k2p starting}. */
    synchronized void pending(String text) {
        line(mark("…", DIM) + " " + text);
    }

    synchronized void failed(String text) {
        line(mark("✗", RED) + " " + text);
    }

    synchronized void line(String text) {
        clearTransient();
        out.println(text);
        out.flush();
    }

    /** A status that the next line replaces, such as upload progress; shown on terminals only. */
    synchronized void status(String text) {
        if (!terminal) {
            return;
        }
        out.print(CLEAR_LINE + text);
        out.flush();
        transientShown = true;
    }

    private void clearTransient() {
        if (transientShown) {
            out.print(CLEAR_LINE);
            transientShown = false;
        }
    }

    private String mark(String mark, String ansi) {
        return colour ? ansi + mark + RESET : mark;
    }
}
