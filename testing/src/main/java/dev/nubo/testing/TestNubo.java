package dev.nubo.testing;

import dev.nubo.cli.Cli;
import dev.nubo.server.NuboServer;
import dev.nubo.server.ServerConfig;
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
 * A real Nubo for tests: the whole server in this JVM on ephemeral loopback ports, with its state in
 * a directory the test owns, and instances as real child processes.
 *
 * <pre>{@code
 * try (TestNubo nubo = TestNubo.start(tempDir)) {
 *     assertThat(nubo.nubo("deploy", TestNubo.example("hello-node").toString()).exitCode()).isZero();
 *     assertThat(nubo.get("hello-node", "/").body()).contains("Hello");
 * }
 * }</pre>
 *
 * <p>The JVM must run with {@code -Djdk.httpclient.allowRestrictedHeaders=host} (the parent POM sets
 * it for every test), because the gateway routes by the Host header and {@code NAME.localhost} does
 * not resolve inside the JVM.
 */
public final class TestNubo implements AutoCloseable {

    /**
     * The runtime shims and the Java host's class-data archive are the same for every test server of
     * one build, so they share one cache rather than each training its own archive.
     */
    private static final Path RUNTIME_CACHE = Path.of(System.getProperty("java.io.tmpdir"), "nubo-test-runtime-cache");

    private final Path home;
    private final int poolSize;
    private NuboServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestNubo(Path home, int poolSize) {
        this.home = home;
        this.poolSize = poolSize;
        this.server = NuboServer.start(config(home, poolSize));
    }

    /** Starts a server whose NUBO_HOME is {@code home}, with the default runtime pools. */
    public static TestNubo start(Path home) {
        return new TestNubo(home, ServerConfig.DEFAULT_POOL_SIZE);
    }

    /** Starts a server keeping {@code poolSize} prewarmed processes per function runtime kind (0: none). */
    public static TestNubo start(Path home, int poolSize) {
        return new TestNubo(home, poolSize);
    }

    private static ServerConfig config(Path home, int poolSize) {
        return ServerConfig.ephemeral(home).withPool(poolSize, RUNTIME_CACHE);
    }

    public NuboServer server() {
        return server;
    }

    public Path home() {
        return home;
    }

    /** Stops the server (and so every instance) and starts a new one on the same NUBO_HOME. */
    public void restart() {
        restart(Duration.ZERO);
    }

    /** Stops the server, leaves it down for {@code down} (say, for schedules to be missed), and starts it again. */
    public void restart(Duration down) {
        server.close();
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = NuboServer.start(config(home, poolSize));
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
            full.addAll(at, List.of("--server", server.apiUrl(), "--token", server.adminToken()));
        }
        return cli(full.toArray(String[]::new));
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
        request.uri(URI.create(server.gatewayUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Host", service + "." + server.domain());
        headers.forEach(request::header);
        return exchange(request.build());
    }

    /** A call to the control API with the admin token (or another one). */
    public HttpResponse<String> api(String method, String path, String token, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.apiUrl() + path)).method(method, body)
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return exchange(b.build());
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

    /** The repository's {@code examples/NAME}, found from the working directory upwards. */
    public static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate.resolve("nubo.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
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

    @Override
    public void close() {
        server.close();
    }
}
