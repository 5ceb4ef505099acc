package dev.nubo.builds;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs one command of a build in the project directory, with stdin closed, streaming its output
 * line by line to the {@link BuildLog} and keeping the last lines for the failure message. If the
 * JVM is stopped (Ctrl-C) the command's process tree is stopped with it.
 */
final class Commands {

    static final int LAST_LINES = 20;
    private static final java.util.regex.Pattern ANSI = java.util.regex.Pattern.compile("\u001b\\[[0-9;]*[A-Za-z]");

    private Commands() {}

    /**
     * @param failure turns a non-zero exit (with the last lines) into the failure to throw
     * @throws BuildFailure when the command cannot start or exits with a non-zero status
     */
    static void run(List<String> command, Path dir, Map<String, String> env, BuildLog log,
            Function<List<String>, BuildFailure> failure) {
        log.step(String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BuildFailure("cannot run `" + command.getFirst() + "` for the build: " + e.getMessage(),
                    "install it, or set `build.command` in nubo.yaml to a command this machine has");
        }
        Thread stopper = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        Deque<String> last = new ArrayDeque<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String raw; (raw = out.readLine()) != null; ) {
                String line = ANSI.matcher(raw).replaceAll("");
                if (line.isEmpty() && !raw.isEmpty()) {
                    continue; // only colour codes: Maven's console resets, even with -B
                }
                log.output(line);
                last.addLast(line);
                if (last.size() > LAST_LINES) {
                    last.removeFirst();
                }
            }
            int status = process.waitFor();
            if (status != 0) {
                throw failure.apply(List.copyOf(last));
            }
        } catch (IOException e) {
            throw new BuildFailure("lost the output of `" + String.join(" ", command) + "`: " + e.getMessage(), "run the build again");
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            Thread.currentThread().interrupt();
            throw new BuildFailure("the build was interrupted", "run it again");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, as it should
            }
        }
    }

    /** The failure of a command that exited non-zero: its line, then its last lines. */
    static Function<List<String>, BuildFailure> failed(List<String> command, String hint) {
        return lines -> new BuildFailure("the build failed: `" + String.join(" ", command) + "` exited with an error",
                hint, lines);
    }

    /** {@code program} on the PATH of {@code env}, if there. */
    static Optional<Path> onPath(String program, Map<String, String> env) {
        for (String dir : env.getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
