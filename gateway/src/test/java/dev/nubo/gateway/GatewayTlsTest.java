package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS termination with a certificate made by openssl, called by curl over HTTP/2 (ALPN) and HTTP/1.1. */
class GatewayTlsTest {

    @TempDir
    static Path dir;

    static GatewayTls tls;
    private Harness h;

    @BeforeAll
    static void certificate() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
        tls = new GatewayTls(dir.resolve("cert.pem"), dir.resolve("key.pem"), 0);
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void terminatesTlsAndOffersHttp2ByAlpnAndHttp11() throws Exception {
        h = new Harness(c -> c.withTls(tls));
        h.route("api", List.of("/api"), h.instance("api-1", req -> req.response()
                .end(req.version() + " proto=" + req.getHeader("x-forwarded-proto") + " " + req.uri())));
        String url = "https://localhost:" + h.gateway.securePort().orElseThrow() + "/api/x";
        String ca = dir.resolve("cert.pem").toString();

        String h2 = run("curl", "-sS", "--cacert", ca, "--http2", "-w", "|%{http_version}", url);
        String h11 = run("curl", "-sS", "--cacert", ca, "--http1.1", "-w", "|%{http_version}", url);
        String plain = run("curl", "-sS", "-w", "|%{http_version}", "http://127.0.0.1:" + h.gateway.port() + "/api/x");

        assertThat(h2).isEqualTo("HTTP_1_1 proto=https /api/x|2");
        assertThat(h11).isEqualTo("HTTP_1_1 proto=https /api/x|1.1");
        assertThat(plain).as("the plain port still serves").isEqualTo("HTTP_1_1 proto=http /api/x|1.1");
    }

    @Test
    void redirectsPlainHttpToHttpsWhenAskedButNotTheServersOwnRequests() throws Exception {
        h = new Harness(c -> c.withTls(new GatewayTls(tls.certificate(), tls.key(), 0, true)));
        h.route("api", List.of("/api"), h.instance("api-1", req -> req.response().end("proto=" + req.getHeader("x-forwarded-proto"))));
        int https = h.gateway.securePort().orElseThrow();

        var plain = h.get("Shop.Localhost:8080", "/api/x?y=1");
        var own = h.send(h.request("shop.localhost", "/api/x").header(dev.nubo.model.EventHeader.KEY, dev.nubo.model.EventHeader.key()).build());
        String secure = run("curl", "-sS", "--cacert", dir.resolve("cert.pem").toString(), "https://localhost:" + https + "/api/x");

        assertThat(plain.statusCode()).isEqualTo(308);
        assertThat(plain.headers().firstValue("location")).hasValue("https://Shop.Localhost:" + https + "/api/x?y=1");
        assertThat(own.body()).isEqualTo("proto=http");
        assertThat(secure).isEqualTo("proto=https");
    }

    @Test
    void refusesAKeyThatIsNotOneAndSaysWhatToPass() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "hello");

        assertThatThrownBy(() -> new Harness(c -> c.withTls(new GatewayTls(tls.certificate(), notAKey, 0))))
                .hasMessageContaining("cannot use the TLS certificate")
                .hasMessageContaining("PKCS#8");
        assertThatThrownBy(() -> new GatewayTls(dir.resolve("missing.pem"), notAKey, 0))
                .hasMessage("TLS certificate '" + dir.resolve("missing.pem") + "' cannot be read; pass --tls-cert with a PEM certificate chain");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
