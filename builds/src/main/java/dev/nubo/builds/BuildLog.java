package dev.nubo.builds;

/**
 * Where a build reports what it does: a line per step ({@code mvn -q -B package}) and the lines its
 * commands print, as they print them, so that {@code nubo deploy} can stream them under its progress.
 */
public interface BuildLog {

    /** A step begins: a command about to run, or a step skipped and why. */
    void step(String description);

    /** A line the step's command printed (standard output and error together). */
    void output(String line);

    /** A log that drops everything, for callers that only want the outcome. */
    static BuildLog quiet() {
        return new BuildLog() {
            @Override
            public void step(String description) {}

            @Override
            public void output(String line) {}
        };
    }
}
