package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket, HTTP/2 and TLS through the packaged server's gateway, with third-party clients: npm's ws
 * (installed once per build under target/), and curl; a certificate made by openssl. The app is a
 * Node server on ws as well.
 */
class GatewayProtocolsTest {

    /** npm's ws, pinned; installed once under target/ and reused by later runs. */
    static final String WS = "ws@8.18.3";

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;
    static Path modules;

    static final String APP = """
            const http = require('http');
            const { WebSocketServer } = require('ws');
            const server = http.createServer((req, res) => res.end('plain ' + req.method + ' ' + req.url + ' ' + req.httpVersion));
            new WebSocketServer({ server }).on('connection', (socket, req) =>
                socket.on('message', m => socket.send('echo ' + m + ' on ' + req.url)));
            process.on('SIGTERM', () => process.exit(0));
            server.listen(+process.env.PORT, '127.0.0.1');
            """;

    @BeforeAll
    static void start() throws Exception {
        modules = npmInstall();
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", apps.resolve("key.pem").toString(), "-out", apps.resolve("cert.pem").toString());
        nubo = TestNubo.start(home, "--tls-cert", apps.resolve("cert.pem").toString(), "--tls-key", apps.resolve("key.pem").toString(),
                "--https-port", "0");
        Path dir = TestNubo.app(apps, "chat", "name: chat\nruntime: process\ncommand: [node, app.js]\nscale: {idle: 1s}\n", Map.of("app.js", APP));
        copy(modules.resolve("ws"), dir.resolve("node_modules/ws"));
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (nubo != null) {
            nubo.close();
        }
    }

    @Test
    void websocketFromZeroIsRelayedAndCountsAsARequestInFlightUntilClosed() throws Exception {
        until(() -> ready("chat") == 0, "chat scales to zero");
        Process client = ws(nubo.server().gatewayUrl().replaceFirst("^http", "ws") + "/room/1", "hello");
        BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));

        assertThat(lines.readLine()).isEqualTo("message echo hello on /room/1");
        until(() -> inFlight("chat") == 1, "the open socket is a request in flight");
        client.getOutputStream().write('\n');
        client.getOutputStream().flush();
        assertThat(lines.readLine()).isEqualTo("closed 1000");
        assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
        until(() -> inFlight("chat") == 0, "the closed socket is no longer in flight");
    }

    @Test
    void terminatesTlsForCurlOverHttp2AndForSecureWebSockets() throws Exception {
        String https = Json.mapper().readTree(nubo.api("/v1/info").body()).path("secureGateway").asText();
        assertThat(https).startsWith("https://127.0.0.1:");
        String url = https.replace("127.0.0.1", "localhost") + "/tls";

        String h2 = run("curl", "-sS", "--cacert", apps.resolve("cert.pem").toString(), "--http2", "-H", "Host: chat." + nubo.server().domain(),
                "-w", "|%{http_version}", url);
        Process client = ws(url.replaceFirst("^https", "wss"), "secret");
        BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));

        assertThat(h2).isEqualTo("plain GET /tls 1.1|2");
        assertThat(lines.readLine()).isEqualTo("message echo secret on /tls");
        client.getOutputStream().write('\n');
        client.getOutputStream().flush();
        assertThat(lines.readLine()).isEqualTo("closed 1000");
    }

    /** npm's ws client to {@code url} as {@code chat.<domain>}, trusting the test's certificate; it sends {@code message}. */
    private static Process ws(String url, String message) throws Exception {
        ProcessBuilder ws = new ProcessBuilder("node", resource("ws-client.js"), url, "chat." + nubo.server().domain(), message);
        ws.environment().put("NODE_PATH", modules.toString());
        ws.environment().put("NODE_EXTRA_CA_CERTS", apps.resolve("cert.pem").toString());
        return ws.redirectErrorStream(true).start();
    }

    @Test
    void servesHttp2ToCurlWithPriorKnowledgeAndByUpgrade() throws Exception {
        String url = nubo.server().gatewayUrl() + "/h2";
        String host = "Host: chat." + nubo.server().domain();

        String prior = run("curl", "-sS", "--http2-prior-knowledge", "-H", host, "-w", "|%{http_version}", url);
        String upgraded = run("curl", "-sS", "--http2", "-H", host, "-w", "|%{http_version}", url + "?upgrade");
        String unknown = run("curl", "-sS", "--http2-prior-knowledge", "-H", "Host: nobody." + nubo.server().domain(), "-w", "|%{http_code}", url);

        assertThat(prior).isEqualTo("plain GET /h2 1.1|2");
        assertThat(upgraded).isEqualTo("plain GET /h2?upgrade 1.1|2");
        assertThat(unknown).contains("\"code\":\"route.unknown\"").endsWith("|404");
    }

    private static int ready(String service) {
        return service(service).path("instances").path("ready").asInt();
    }

    private static int inFlight(String service) {
        JsonNode revisions = service(service).path("revisions");
        return revisions.path(0).path("scaling").path("inFlight").asInt(-1);
    }

    private static JsonNode service(String name) {
        try {
            return Json.mapper().readTree(nubo.api("/v1/services/" + name).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void until(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 30 s for: " + what).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static String resource(String name) throws Exception {
        return Path.of(GatewayProtocolsTest.class.getResource("/" + name).toURI()).toString();
    }

    /** target/npm/node_modules with {@link #WS}, installed by npm on the first run. */
    private static Path npmInstall() throws Exception {
        Path prefix = Path.of("target", "npm").toAbsolutePath();
        Path modules = prefix.resolve("node_modules");
        if (!Files.isRegularFile(modules.resolve("ws/package.json"))) {
            Files.createDirectories(prefix);
            String out = run("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), WS);
            assertThat(modules.resolve("ws/package.json")).as("npm install %s: %s", WS, out).isRegularFile();
        }
        return modules;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                try {
                    Files.copy(f, to.resolve(from.relativize(f).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        assertThat(to.resolve("package.json")).isRegularFile();
    }
}
