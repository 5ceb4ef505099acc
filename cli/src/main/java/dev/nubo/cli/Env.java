package dev.nubo.cli;

import java.io.Console;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/**
 * What the commands read from the process around them, read once at the entry point so that
 * tests can hand in their own: environment variables, the user's home, whether standard output
 * is a terminal (redraws and colour) or a pipe (plain lines), the clock and standard input.
 */
record Env(Map<String, String> vars, Path userHome, boolean terminal, InstantSource clock, InputStream stdin) {

    Env {
        vars = Map.copyOf(vars);
    }

    static Env system() {
        return new Env(System.getenv(), Path.of(System.getProperty("user.home")), isTerminal(System.console()),
                InstantSource.system(), System.in);
    }

    /** {@code $NUBO_HOME}, else {@code ~/.nubo}: where the server leaves server.json and admin.token. */
    Path nuboHome() {
        String home = vars.getOrDefault("NUBO_HOME", "");
        return home.isBlank() ? userHome.resolve(".nubo") : Path.of(home);
    }

    /** Colour only on a terminal, and never when the user asked for none (https://no-color.org). */
    boolean colour() {
        return terminal && !vars.containsKey("NO_COLOR");
    }

    // JDK 22+ returns a Console even for a redirected stdout and says so with isTerminal(); JDK 21
    // returns null. We compile for 21, so the newer method is looked up rather than called.
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
