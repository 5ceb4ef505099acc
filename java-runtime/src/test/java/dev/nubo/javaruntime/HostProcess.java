package dev.nubo.javaruntime;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
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
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().equals(TEST_CLASSES))
                .collect(Collectors.joining(File.pathSeparator));
        Path stdout = Files.createTempFile("host", ".out");
        Path stderr = Files.createTempFile("host", ".err");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classPath, JavaHost.class.getName())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(key -> key.equals("PORT") || key.startsWith("NUBO_"));
        builder.environment().putAll(env);
        int port = env.containsKey("PORT") ? parsePort(env.get("PORT")) : -1;
        return new HostProcess(builder.start(), port, stdout, stderr);
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
    private void awaitReady() throws InterruptedException {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
