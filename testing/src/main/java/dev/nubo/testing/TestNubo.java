package dev.nubo.testing;

import dev.nubo.cli.Cli;
import dev.nubo.store.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A real Nubo for tests: the packaged server ({@code dist/target/bin/nubo server}, the jars in
 * {@code dist/target/lib}) started as its own OS process, exactly as a user starts it, on ephemeral
 * loopback ports, with its state in a directory the test owns and instances as its child processes.
 * Nothing of the server runs on the test's class path, so a jar missing from the distribution fails
 * here as it would for a user.
 *
 * <pre>{@code
 * try (TestNubo nubo = TestNubo.start(tempDir)) {
 *     assertThat(nubo.nubo("deploy", TestNubo.example("hello-node").toString()).exitCode()).isZero();
 *     assertThat(nubo.get("hello-node", "/").body()).contains("Hello");
 * }
 * }</pre>
 *
 * <p>The client side runs in the test JVM: {@link #nubo} is the CLI in-process (fast, and it speaks
 * only the HTTP API), {@link #shipped} the packaged launcher as a process. The JVM must run with
 * {@code -Djdk.httpclient.allowRestrictedHeaders=host} (the parent POM sets it for every test),
 * because the gateway routes by the Host header and {@code NAME.localhost} does not resolve inside
 * the JVM.
 */
public final class TestNubo implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path home;
    private final List<String> flags;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServerProcess process;

    private TestNubo(Path home, List<String> flags) {
        this.home = home;
        this.flags = withStore(flags);
        this.process = ServerProcess.start(home, this.flags);
    }

    /**
     * The flags, plus {@code --store} with a new database of the tests' own PostgreSQL
     * ({@link EmbeddedPostgres}) when the system property {@code nubo.test.store} is {@code postgresql}
     * (the dist module's {@code on-postgresql} failsafe execution sets it): the same test then runs with
     * the server's state in PostgreSQL. Unset, empty or {@code sqlite}: the default, SQLite in the home.
     * A restart keeps the database, as it keeps the home.
     */
    static List<String> withStore(List<String> flags) {
        String store = System.getProperty("nubo.test.store", "");
        if (store.isEmpty() || store.equals("sqlite") || flags.contains("--store")) {
            return flags;
        }
        if (!store.equals("postgresql")) {
            throw new IllegalStateException("-Dnubo.test.store must be postgresql or sqlite (got '" + store + "')");
        }
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of("--store", EmbeddedPostgres.shared().newDatabase()));
        return List.copyOf(all);
    }

    /** Starts a server whose NUBO_HOME is {@code home}, with the default runtime pools. */
    public static TestNubo start(Path home) {
        return new TestNubo(home, List.of());
    }

    /** Starts a server keeping {@code poolSize} prewarmed processes per function runtime kind (0: none). */
    public static TestNubo start(Path home, int poolSize) {
        return new TestNubo(home, List.of("--pool-size", Integer.toString(poolSize)));
    }

    /**
     * Starts a server with extra {@code nubo server} flags, e.g. {@code "--upload-limit", "1Mi"}. The
     * home, loopback ephemeral ports and the shared runtime cache are always set.
     */
    public static TestNubo start(Path home, String... serverFlags) {
        return new TestNubo(home, List.of(serverFlags));
    }

    /** Where the running server listens, and what the CLI needs to reach it. */
    public ServerProcess.Info server() {
        return process.info();
    }

    public Path home() {
        return home;
    }

    /** The server's OS process id. */
    public long pid() {
        return process.pid();
    }

    /** What the server printed so far (its banner, its log). */
    public String serverOutput() {
        return process.output();
    }

    /** Stops the server (SIGTERM, and so every instance) and starts a new one on the same NUBO_HOME. */
    public void restart() {
        restart(Duration.ZERO);
    }

    /** Stops the server, leaves it down for {@code down} (say, for schedules to be missed), and starts it again. */
    public void restart(Duration down) {
        process.stop(STOP_TIMEOUT);
        pause(down);
        process = ServerProcess.start(home, flags);
    }

    /** Kills the server with SIGKILL (no shutdown hook runs), then starts a new one on the same NUBO_HOME. */
    public void crashAndRestart() {
        process.kill();
        process = ServerProcess.start(home, flags);
    }

    /** Kills the server with SIGKILL and leaves it down; {@link #close()} is then a no-op. */
    public void crash() {
        process.kill();
    }

    /** What a CLI command printed, and how it exited. */
    public record CliResult(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs a {@code nubo} client command in this JVM against this server, e.g. {@code nubo("list")}. */
    public CliResult nubo(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        if (!full.isEmpty() && !full.getFirst().startsWith("-")) {
            // After the leaf command's own arguments: a group such as `trigger` takes no options itself.
            int at = full.indexOf("--") < 0 ? full.size() : full.indexOf("--");
            full.addAll(at, List.of("--server", server().apiUrl(), "--token", server().adminToken()));
        }
        return cli(full.toArray(String[]::new));
    }

    /**
     * Runs the packaged {@code nubo} launcher as a process against this server (it finds it through
     * NUBO_HOME, as a user's CLI does), e.g. {@code shipped("events", "send", "--type", "t", ...)}.
     */
    public CliResult shipped(String... args) {
        return ServerProcess.launcher(home, Duration.ofMinutes(2), args);
    }

    /** Runs a {@code nubo} client command in this JVM exactly as given, e.g. against a server in another process. */
    public static CliResult cli(String... args) {
        CommandLine cli = Cli.standalone();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliResult(code, out.toString(), err.toString());
    }

    /** GET through the gateway, as a client of {@code http://SERVICE.<domain>/} would. */
    public HttpResponse<String> get(String service, String path) {
        return send(service, path, HttpRequest.newBuilder().GET(), Map.of());
    }

    /** POST through the gateway. */
    public HttpResponse<String> post(String service, String path, String body) {
        return send(service, path, HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(body)),
                Map.of("content-type", "application/json"));
    }

    public HttpResponse<String> send(String service, String path, HttpRequest.Builder request, Map<String, String> headers) {
        request.uri(URI.create(server().gatewayUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Host", service + "." + server().domain());
        headers.forEach(request::header);
        return exchange(request.build());
    }

    /** A call to the control API with the admin token (or another one; null for none). */
    public HttpResponse<String> api(String method, String path, String token, HttpRequest.BodyPublisher body) {
        return api(method, path, token, body, null);
    }

    /** A call to the control API with a body of the given content type (null: no Content-Type header). */
    public HttpResponse<String> api(String method, String path, String token, HttpRequest.BodyPublisher body,
            String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server().apiUrl() + path)).method(method, body)
                .timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return exchange(b.build());
    }

    /** A GET to the control API with the admin token. */
    public HttpResponse<String> api(String path) {
        return api("GET", path, server().adminToken(), HttpRequest.BodyPublishers.noBody());
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The repository's {@code examples/NAME}. */
    public static Path example(String name) {
        Path example = repository().resolve("examples").resolve(name);
        if (!Files.isRegularFile(example.resolve("nubo.yaml"))) {
            throw new IllegalStateException(example + " has no nubo.yaml");
        }
        return example;
    }

    /** The checkout's root (README.md and examples/ in it), found from the working directory upwards. */
    public static Path repository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("examples"))) {
                return dir;
            }
        }
        throw new IllegalStateException("the repository's root (README.md, examples/) not found above "
                + Path.of("").toAbsolutePath());
    }

    /** Writes a small app directory: {@code nubo.yaml} and the given files. */
    public static Path app(Path parent, String name, String nuboYaml, Map<String, String> files) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            Files.writeString(dir.resolve("nubo.yaml"), nuboYaml);
            for (var f : files.entrySet()) {
                Path file = dir.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server with SIGTERM, as Ctrl-C does, and waits for it (SIGKILL if it hangs). */
    @Override
    public void close() {
        process.stop(STOP_TIMEOUT);
    }

    static Duration startTimeout() {
        return START_TIMEOUT;
    }
}
