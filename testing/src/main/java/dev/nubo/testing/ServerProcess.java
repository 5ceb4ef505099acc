package dev.nubo.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code nubo server} from the packaged distribution, as an OS process: {@code bash
 * dist/target/bin/nubo server --home HOME ...}, the launcher users run (through {@code bin/nubo}),
 * with its output in a file beside the home. The distribution is the directory named by the
 * {@code nubo.dist} system property (the dist module's failsafe configuration sets it), else the
 * {@code dist/target} found above the working directory.
 */
public final class ServerProcess {

    /** Where a started server listens, read from the {@code server.json} it writes for the CLI. */
    public record Info(String apiUrl, String gatewayUrl, int gatewayPort, String domain, String adminToken, Path home) {

        /** The URL a service answers at, e.g. {@code http://hello.localhost:8080/}. */
        public String serviceUrl(String name) {
            return "http://" + name + "." + domain + (gatewayPort == 80 ? "" : ":" + gatewayPort) + "/";
        }
    }

    private final Process process;
    private final Path output;
    private final Info info;

    private ServerProcess(Process process, Path output, Info info) {
        this.process = process;
        this.output = output;
        this.info = info;
    }

    /** The distribution's directory: {@code bin/nubo} and {@code lib/*.jar} inside. */
    public static Path distribution() {
        String configured = System.getProperty("nubo.dist");
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Path.of(configured));
        } else {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                candidates.add(dir.resolve("dist/target"));
                candidates.add(dir.resolve("target"));
            }
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("bin/nubo")) && Files.isDirectory(c.resolve("lib"))) {
                return c.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no Nubo distribution (bin/nubo and lib/) at " + candidates.getFirst()
                + ": end-to-end tests run against the packaged server; build it first with `mvn -DskipTests package`"
                + " (bin/test runs `mvn verify`, which packages before the end-to-end tests)");
    }

    /** Starts {@code nubo server} on loopback ephemeral ports and waits until it has written its server.json. */
    static ServerProcess start(Path home, List<String> flags) {
        Path dist = distribution();
        List<String> command = new ArrayList<>(List.of("bash", dist.resolve("bin/nubo").toString(), "server",
                "--home", home.toString(), "--http-host", "127.0.0.1", "--http-port", "0", "--api-port", "0",
                // The runtime shims and the Java host's class-data archive are the same for every test server
                // of one build, so they share one cache rather than each training its own archive.
                "--runtime-cache", dist.resolve("test-runtime-cache").toString()));
        command.addAll(flags);
        Path output = home.resolveSibling(home.getFileName() + "-server.log");
        try {
            Files.deleteIfExists(home.resolve("server.json"));  // a SIGKILLed server leaves its own behind
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            builder.environment().remove("NUBO_SERVER");
            builder.environment().remove("NUBO_TOKEN");
            Process process = builder.start();
            return new ServerProcess(process, output, awaitInfo(process, home, output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static Info awaitInfo(Process process, Path home, Path output) throws IOException {
        Instant deadline = Instant.now().plus(TestNubo.startTimeout());
        Path file = home.resolve("server.json");
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nubo server exited with status " + process.exitValue()
                        + " before it was ready; its output:\n" + tail(output));
            }
            if (Files.isRegularFile(file)) {
                JsonNode json = Json.mapper().readTree(file.toFile());
                if (json.path("pid").asLong() == process.pid() || isChildOf(json.path("pid").asLong(), process)) {
                    String token = Files.readString(home.resolve("admin.token")).trim();
                    String gateway = json.get("gateway").asText();
                    int port = Integer.parseInt(gateway.substring(gateway.lastIndexOf(':') + 1));
                    return new Info(json.get("api").asText(), gateway, port, json.get("domain").asText(), token,
                            home.toAbsolutePath());
                }
            }
            pause(Duration.ofMillis(50));
        }
        process.destroyForcibly();
        throw new IllegalStateException("nubo server was not ready within " + TestNubo.startTimeout().toSeconds()
                + " s; its output:\n" + tail(output));
    }

    /** bash execs java, so the pid is the same; this also accepts a launcher that forks instead. */
    private static boolean isChildOf(long pid, Process process) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(p -> p.pid() == process.pid()).orElse(false);
    }

    Info info() {
        return info;
    }

    long pid() {
        return process.pid();
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, as Ctrl-C; SIGKILL if the server has not stopped within {@code timeout}. */
    void stop(Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("nubo server did not stop within " + timeout.toSeconds()
                        + " s of SIGTERM; killed it. Its output:\n" + tail(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no shutdown hook runs, as when the machine or the OOM killer takes the server. */
    void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the packaged launcher with {@code NUBO_HOME=home}, e.g. a client command against that home's server. */
    public static TestNubo.CliResult launcher(Path home, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", distribution().resolve("bin/nubo").toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("nubo-cli-", ".out");
            Path err = Files.createTempFile("nubo-cli-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().put("NUBO_HOME", home.toString());
                builder.environment().remove("NUBO_SERVER");
                builder.environment().remove("NUBO_TOKEN");
                Process p = builder.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
                }
                return new TestNubo.CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
