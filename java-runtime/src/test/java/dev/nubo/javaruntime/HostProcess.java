package dev.nubo.javaruntime;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link JavaHost} running as a real process, as the platform starts it: the current java
 * binary, this test run's class path without target/test-classes (so the sample handlers reach the
 * host only through {@code NUBO_CODE}), stdout and stderr captured to files.
 */
final class HostProcess implements AutoCloseable {

    static final Path TEST_CLASSES = location(SampleHandlers.class);
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path stdout;
    private final Path stderr;

    private HostProcess(Process process, int port, Path stdout, Path stderr) {
        this.process = process;
        this.port = port;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** A host serving {@code handler} from the test classes, started and ready. */
    static HostProcess serve(Class<?> handler, Map<String, String> env) throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("NUBO_HANDLER", handler.getName());
        all.putIfAbsent("NUBO_CODE", TEST_CLASSES.toString());
        all.putIfAbsent("PORT", String.valueOf(freePort()));
        HostProcess host = launch(all);
        host.awaitReady();
        return host;
    }

    /** A host with exactly these platform variables (PORT and NUBO_* from this JVM are removed). */
    static HostProcess launch(Map<String, String> env) throws IOException {
        return launch(env, List.of(), env.containsKey("PORT") ? parsePort(env.get("PORT")) : -1);
    }

    /**
     * A pooled host ({@code NUBO_POOL=1}, no function variables), started with the flags the platform
     * gives pooled JVMs, and warmed up; {@link #specialise} it to serve on {@code port}.
     */
    static HostProcess pooled(int port) throws IOException, InterruptedException {
        return pooled(port, List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED"));
    }

    static HostProcess pooled(int port, List<String> jvmFlags) throws IOException, InterruptedException {
        HostProcess host = launch(Map.of("NUBO_POOL", "1"), jvmFlags, port);
        host.awaitStdout("warmed up");
        return host;
    }

    private static HostProcess launch(Map<String, String> env, List<String> jvmFlags, int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().equals(TEST_CLASSES))
                .collect(Collectors.joining(File.pathSeparator));
        Path stdout = Files.createTempFile("host", ".out");
        Path stderr = Files.createTempFile("host", ".err");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classPath, JavaHost.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(key -> key.equals("PORT") || key.startsWith("NUBO_"));
        builder.environment().putAll(env);
        return new HostProcess(builder.start(), port, stdout, stderr);
    }

    /** An available port, for a host to listen on. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Writes the specialisation message to the host's stdin, as the platform does: NAME=VALUE NUL ..., NUL. */
    void specialise(Map<String, String> entries) throws IOException {
        StringBuilder message = new StringBuilder();
        entries.forEach((name, value) -> message.append(name).append('=').append(value).append('\0'));
        OutputStream stdin = process.getOutputStream();
        stdin.write(message.append('\0').toString().getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Ends the host's stdin, as the platform does when it closes its pool. */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    void awaitStdout(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stdout().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("host printed no '" + text + "'; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
            }
            Thread.sleep(20);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("host did not exit within 30 s; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** SIGTERM, as the platform sends when it drains an instance. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    /** The host binds only once the handler is constructed, so an accepted connection means ready. */
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("host exited with " + process.exitValue() + "; stderr:\n" + stderr());
            }
            try {
                new Socket("127.0.0.1", port).close();
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("host not listening on " + port + " within 30 s; stderr:\n" + stderr());
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
