package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 in cleartext from real clients: the JDK's HttpClient (which asks {@code Upgrade: h2c}) and
 * curl with prior knowledge, and node's http2 client with several streams on one connection. Instances still get HTTP/1.1.
 */
class GatewayHttp2Test {

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    /** Echoes what the instance saw: protocol, method, path, Host and the body. */
    private Harness.Instance echo(String id) {
        return h.instance(id, req -> req.body().onSuccess(body -> req.response()
                .putHeader("content-type", "text/plain")
                .end(req.version() + " " + req.method() + " " + req.uri() + " host=" + req.getHeader("host")
                        + " xff=" + req.getHeader("x-forwarded-for") + " body=" + body.toString(StandardCharsets.UTF_8))));
    }

    @Test
    void upgradesToH2cWhenTheFirstRequestAsksAndServesLaterRequestsAsStreams() throws Exception {
        h.route("api", List.of("/api"), echo("api-1"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + h.gateway.port());

        HttpResponse<String> first = client.send(HttpRequest.newBuilder(base.resolve("/api/one")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/api/two?x=1")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("a".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("HTTP_1_1 GET /api/one host=127.0.0.1:" + h.gateway.port() + " xff=127.0.0.1 body=");
        assertThat(first.headers().firstValue("x-request-id")).isPresent();
        assertThat(post.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(post.body()).isEqualTo("HTTP_1_1 POST /api/two?x=1 host=127.0.0.1:" + h.gateway.port() + " xff=127.0.0.1 body=" + "a".repeat(100_000));
    }

    @Test
    void letsAHostSetByTheCallerWinOverTheAuthorityAsOverHttp11() throws Exception {
        h.route("api", List.of("/api"), echo("api-1"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + h.gateway.port());
        client.send(HttpRequest.newBuilder(base.resolve("/api/upgrade")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/api/host")).header("Host", "shop.localhost")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("HTTP_1_1 GET /api/host host=shop.localhost xff=127.0.0.1 body=");
    }

    @Test
    void servesCurlSpeakingHttp2WithPriorKnowledge() throws Exception {
        h.route("api", List.of("/api"), echo("api-1"));

        // One URL per curl: curl 7.88 itself breaks a prior-knowledge connection it reuses (node's server too).
        String out = run("curl", "-sS", "--http2-prior-knowledge", "-w", "|%{http_version} %{http_code}",
                "-d", "hello", "http://127.0.0.1:" + h.gateway.port() + "/api/curl");

        assertThat(out).isEqualTo("HTTP_1_1 POST /api/curl host=127.0.0.1:" + h.gateway.port() + " xff=127.0.0.1 body=hello|2 200");
    }

    @Test
    void servesManyStreamsAtOnceOnOneHttp2Connection() throws Exception {
        h.route("api", List.of("/api"), echo("api-1"));
        String script = Path.of(getClass().getResource("/h2-client.js").toURI()).toString();

        String out = run("node", script, "http://127.0.0.1:" + h.gateway.port(), "/api/a", "/api/b", "/api/c", "/nowhere");

        assertThat(out.lines().sorted()).containsExactly(
                "200 HTTP_1_1 GET /api/a host=127.0.0.1:" + h.gateway.port() + " xff=127.0.0.1 body=",
                "200 HTTP_1_1 GET /api/b host=127.0.0.1:" + h.gateway.port() + " xff=127.0.0.1 body=",
                "200 HTTP_1_1 GET /api/c host=127.0.0.1:" + h.gateway.port() + " xff=127.0.0.1 body=",
                "404 {\"error\":{\"code\":\"route.unknown\",\"message\":\"no service answers at host '127.0.0.1:" + h.gateway.port()
                        + "' and path '/nowhere'\",\"hint\":\"run `nubo list` to see services; a service answers at NAME.localhost\",\"requestId\":\""
                        + out.lines().filter(l -> l.startsWith("404")).findFirst().orElse("").replaceAll(".*\"requestId\":\"([0-9a-f]+)\".*", "$1") + "\"}}");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void stillServesHttp11AndWebSocketUpgradesOnTheSamePort() throws IOException, InterruptedException {
        h.route("api", List.of("/api"), echo("api-1"));

        HttpResponse<String> plain = h.get("localhost", "/api/plain");

        assertThat(plain.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(plain.body()).startsWith("HTTP_1_1 GET /api/plain host=localhost");
    }
}
