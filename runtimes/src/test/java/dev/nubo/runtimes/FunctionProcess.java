package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * One of Nubo's runtime scripts (the Node or Python shim) running a user function as a real
 * process on a free port, started fresh or pooled as the platform would, with its output captured
 * in files next to the script.
 *
 * <pre>{@code
 * try (FunctionProcess fn = FunctionProcess.fresh(Shim.NODE, dir, code, "index.handler", Map.of()).awaitListening()) {
 *     assertThat(fn.post("{}").statusCode()).isEqualTo(200);
 * }
 * }</pre>
 */
final class FunctionProcess implements AutoCloseable {

    enum Shim {
        NODE("node", "node/nubo-node.mjs"),
        PYTHON("python3", "python/nubo_python.py", "-u");

        private static final Map<Shim, Boolean> INSTALLED = new ConcurrentHashMap<>();

        private final String executable;
        private final String resource;
        private final List<String> flags;

        Shim(String executable, String resource, String... flags) {
            this.executable = executable;
            this.resource = resource;
            this.flags = List.of(flags);
        }

        /** Skips the test when the interpreter is missing, and only then. */
        void assumeInstalled() {
            Assumptions.assumeTrue(INSTALLED.computeIfAbsent(this, Shim::runs), executable + " is not on PATH");
        }

        private boolean runs() {
            try {
                Process p = new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private List<String> command(Path script) {
            List<String> command = new ArrayList<>(List.of(executable));
            command.addAll(flags);
            command.add(script.toString());
            return command;
        }

        private Path copyTo(Path dir) throws IOException {
            Path script = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            try (InputStream in = FunctionProcess.class.getResourceAsStream(resource)) {
                assertThat(in).as("class path resource %s", resource).isNotNull();
                Files.copy(in, script);
            }
            return script;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path stdout;
    private final Path stderr;

    private FunctionProcess(Process process, int port, Path stdout, Path stderr) {
        this.process = process;
        this.port = port;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts the shim as the platform does without a pool: cwd = {@code code}, a free {@code PORT},
     * {@code NUBO_HANDLER}, the platform's variables for a service {@code hello} at revision
     * {@code hello-00001}, then {@code env}. The script and its output go to a new directory in {@code dir}.
     */
    static FunctionProcess fresh(Shim shim, Path dir, Path code, String handler, Map<String, String> env) throws IOException {
        int port = freePort();
        Map<String, String> all = platformEnv(port);
        all.put("NUBO_HANDLER", handler);
        all.putAll(env);
        return start(shim, Files.createTempDirectory(dir, "run"), code, all, port);
    }

    /** Starts the shim for the pool: a neutral cwd, no function variables, {@code NUBO_POOL=1}. */
    static FunctionProcess pooled(Shim shim, Path dir) throws IOException {
        Path run = Files.createTempDirectory(dir, "run");
        return start(shim, run, Files.createDirectories(run.resolve("neutral")), Map.of("NUBO_POOL", "1"), freePort());
    }

    /** A path as the JSON string a function returns for it. */
    static String json(Path path) throws IOException {
        return "\"" + path.toRealPath().toString().replace("\\", "\\\\") + "\"";
    }

    private static Map<String, String> platformEnv(int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("NUBO_SERVICE", "hello");
        env.put("NUBO_REVISION", "hello-00001");
        env.put("NUBO_INSTANCE", "hello-00001-x7k2p");
        env.put("NUBO_TIMEOUT_MS", "5000");
        env.put("NUBO_MEMORY_MB", "256");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "hello");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "hello-00001");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256");
        return env;
    }

    private static FunctionProcess start(Shim shim, Path dir, Path cwd, Map<String, String> env, int port) throws IOException {
        shim.assumeInstalled();
        Path script = shim.copyTo(dir);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(shim.command(script)).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NUBO_") || name.equals("PORT"));
        builder.environment().putAll(env);
        return new FunctionProcess(builder.start(), port, out, err);
    }

    int port() {
        return port;
    }

    /** Waits until the function accepts connections; fails with its stderr if it exits first. */
    FunctionProcess awaitListening() {
        return awaitAlive(this::accepts, "accepting connections");
    }

    /** Waits until the pooled process has warmed up, which it says on stdout. */
    FunctionProcess awaitWarm() {
        return awaitAlive(() -> stdout().contains("warmed up"), "warmed up");
    }

    /** Waits for {@code condition}; if the process exits first or it never holds, stops the process and fails. */
    private FunctionProcess awaitAlive(Callable<Boolean> condition, String what) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> !process.isAlive() || condition.call());
            assertThat(process.isAlive()).as("the function exited with %s before %s; stderr:%n%s",
                    process.isAlive() ? "-" : process.exitValue(), what, stderr()).isTrue();
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Sends the specialisation message with this process's {@code PORT} first, then {@code entries}. */
    void specialise(Map<String, String> entries) throws IOException {
        StringBuilder message = new StringBuilder("PORT=").append(port).append('\0');
        entries.forEach((name, value) -> message.append(name).append('=').append(value).append('\0'));
        OutputStream stdin = process.getOutputStream();
        stdin.write(message.append('\0').toString().getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** SIGTERM, as the platform drains an instance. */
    void terminate() {
        process.destroy();
    }

    HttpResponse<String> post(String body) {
        return post(body, null);
    }

    HttpResponse<String> post(String body, String requestId) {
        return postAsync(body, requestId).join();
    }

    /** A direct invocation, as the server sends {@code nubo invoke}: {@code Nubo-Event: direct}, the body is the event. */
    CompletableFuture<HttpResponse<String>> postAsync(String body, String requestId) {
        HttpRequest.Builder request = request("/").POST(HttpRequest.BodyPublishers.ofString(body)).header("Nubo-Event", "direct");
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to {@code pathAndQuery} on this process, to be finished by the test (method, headers, body). */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    /**
     * The local addresses of the sockets listening on this process's port, from /proc/net/tcp and
     * tcp6: what anyone on the network could connect to, not what a loopback client sees.
     */
    List<InetAddress> listeningAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                // sl local_address rem_address st ...: "0: 0100007F:1F90 00000000:0000 0A ..." (0A = LISTEN)
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
                    addresses.add(address(local[0]));
                }
            }
        }
        return addresses;
    }

    /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] bytes = HexFormat.of().parseHex(hex);
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                byte b = bytes[word + i];
                bytes[word + i] = bytes[word + 3 - i];
                bytes[word + 3 - i] = b;
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    /** Waits for the process to end and returns its exit status. */
    int awaitExit(Duration limit) {
        try {
            assertThat(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the function still runs after %s; stderr:%n%s", limit, stderr()).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
