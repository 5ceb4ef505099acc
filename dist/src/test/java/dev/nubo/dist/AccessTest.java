package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access through the packaged server: scoped tokens and their roles from the CLI, the audit log,
 * secrets sealed at rest and given only to the instance's environment (and rolled when rotated), and
 * private services behind the gateway. One server for all, as each check is a few requests.
 */
class AccessTest {

    /**
     * Answers {@code /env/NAME} with that variable of its environment, {@code /header/NAME} with that request
     * header, {@code /file/PATH} with that file's mode and content.
     */
    private static final String ENV_APP = """
            import os
            from http.server import BaseHTTPRequestHandler, HTTPServer
            class H(BaseHTTPRequestHandler):
                def do_GET(self):
                    if self.path.startswith("/header/"):
                        body = (self.headers.get(self.path[len("/header/"):]) or "<unset>").encode()
                    elif self.path.startswith("/file/"):
                        p = self.path[len("/file"):]
                        body = (oct(os.stat(p).st_mode & 0o777) + " " + open(p).read()).encode()
                    else:
                        body = os.environ.get(self.path[len("/env/"):], "<unset>").encode()
                    self.send_response(200)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                do_POST = do_GET
                def log_message(self, *a):
                    pass
            HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    @TempDir
    static Path home;
    @TempDir
    static Path apps;
    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 0);
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    private static TestNubo.CliResult as(String token, String... args) {
        String[] full = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--server", nubo.server().apiUrl(), "--token", token)).toArray(String[]::new);
        return TestNubo.cli(full);
    }

    private static Path app(String name, String yaml) {
        return TestNubo.app(apps.resolve(name + "-" + System.nanoTime()), name,
                "name: " + name + "\nruntime: process\ncommand: [python3, -u, app.py]\n" + yaml, Map.of("app.py", ENV_APP));
    }

    @Test
    void aViewerTokenReadsButCannotDeployAndTheAuditLogSaysWhoTriedWhat() throws Exception {
        TestNubo.CliResult created = nubo.nubo("token", "create", "ci-viewer", "--role", "viewer", "--expires", "30d");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String viewer = created.out().strip();
        assertThat(nubo.nubo("token", "list").out()).contains("ci-viewer").contains("viewer");

        assertThat(as(viewer, "list").exitCode()).isZero();
        TestNubo.CliResult deploy = as(viewer, "deploy", app("nope", "").toString());
        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.err()).contains("token ci-viewer (role viewer) may not POST /v1/deployments: that needs the write permission");

        assertThat(nubo.nubo("token", "revoke", "ci-viewer").exitCode()).isZero();
        TestNubo.CliResult revoked = as(viewer, "list");
        assertThat(revoked.exitCode()).isEqualTo(1);
        assertThat(revoked.err()).contains("the bearer token is not valid for this server");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TestNubo.CliResult audit = nubo.nubo("audit", "--since", "1h", "-o", "json");
            JsonNode entries = Json.mapper().readTree(audit.out()).get("entries");
            assertThat(entries.toString())
                    .contains("\"caller\":\"admin\",\"method\":\"POST\",\"route\":\"/v1/tokens\",\"target\":\"/v1/tokens\",\"address\":\"127.0.0.1\",\"status\":201")
                    .contains("\"caller\":\"ci-viewer\",\"method\":\"POST\",\"route\":\"/v1/deployments\"")
                    .contains("\"route\":\"/v1/tokens/:name\",\"target\":\"/v1/tokens/ci-viewer\",\"address\":\"127.0.0.1\",\"status\":200");
        });
        assertThat(nubo.nubo("audit", "--since", "1h").out()).contains("ci-viewer").contains("403");
        assertThat(nubo.serverOutput()).as("no token in the server's log").doesNotContain(viewer);
    }

    @Test
    void aDeveloperTokenOfANamespaceDeploysThereOnlyAndItsServiceAnswersAtNameDotNamespace() throws Exception {
        TestNubo.CliResult ns = nubo.nubo("ns", "create", "team-a", "--max-services", "1");
        assertThat(ns.exitCode()).as(ns.toString()).isZero();
        TestNubo.CliResult created = nubo.nubo("token", "create", "team-a-ci", "--role", "developer", "--namespace", "team-a");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String dev = created.out().strip();

        TestNubo.CliResult deployed = as(dev, "deploy", "-n", "team-a", app("orders", "").toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(deployed.out()).contains("orders.team-a.");
        assertThat(nubo.get("orders.team-a", "/env/NUBO_SERVICE").body()).isEqualTo("orders.team-a");
        assertThat(as(dev, "describe", "-n", "team-a", "orders").out()).contains("orders.team-a");
        assertThat(as(dev, "list").out()).as("its list shows its namespace only").contains("orders.team-a");

        TestNubo.CliResult elsewhere = as(dev, "deploy", app("orders", "").toString());
        assertThat(elsewhere.exitCode()).isEqualTo(1);
        assertThat(elsewhere.err()).contains("token team-a-ci may act only in the namespace team-a, not in default");
        assertThat(nubo.get("orders", "/env/NUBO_SERVICE").statusCode()).as("nothing deployed in default").isEqualTo(404);

        TestNubo.CliResult over = as(dev, "deploy", "-n", "team-a", app("billing", "").toString());
        assertThat(over.exitCode()).isEqualTo(1);
        assertThat(over.err()).contains("namespace team-a is at its quota of 1 services (max-services): it has orders");
        assertThat(nubo.nubo("ns", "set", "team-a", "--max-services", "0", "--max-memory", "300Mi").out())
                .isEqualTo("namespace team-a: max-memory 300Mi\n");
        TestNubo.CliResult memory = as(dev, "deploy", "-n", "team-a", app("billing", "").toString());
        assertThat(memory.exitCode()).isEqualTo(1);
        assertThat(memory.err()).contains("namespace team-a is at its quota of 300Mi of memory (max-memory): its other services' instances hold"
                + " 256Mi and this deploy starts 1 × 256Mi");

        TestNubo.CliResult notEmpty = nubo.nubo("ns", "delete", "team-a");
        assertThat(notEmpty.exitCode()).isEqualTo(1);
        assertThat(notEmpty.err()).contains("namespace team-a is not empty: it holds 1 service(s): orders; 1 token(s): team-a-ci");
        assertThat(nubo.nubo("ns", "list").out()).contains("team-a").contains("max-memory 300Mi");
        assertThat(as(dev, "delete", "-n", "team-a", "orders").exitCode()).isZero();
        assertThat(nubo.nubo("token", "revoke", "team-a-ci").exitCode()).isZero();
        assertThat(nubo.nubo("ns", "delete", "team-a").out()).isEqualTo("deleted namespace team-a\n");
    }

    @Test
    void aSecretReachesOnlyTheInstanceAndItsRotationRollsANewRevision() throws Exception {
        TestNubo.CliResult missing = nubo.nubo("deploy", app("vault", "env:\n  DB_PASSWORD: {secret: db/password}\n").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("vault's env.DB_PASSWORD takes secret db/password, but there is no secret named db")
                .contains("create it with `nubo secret set db password=VALUE`");

        assertThat(nubo.nubo("secret", "set", "db", "password=first-pa55").out()).contains("secret db set (version 1)");
        String vault = "env:\n  DB_PASSWORD: {secret: db/password}\nfiles:\n  /run/secrets/db-password: {secret: db/password}\n";
        TestNubo.CliResult deployed = nubo.nubo("deploy", app("vault", vault).toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(nubo.get("vault", "/env/DB_PASSWORD").body()).isEqualTo("first-pa55");
        // As a file too: read-only for the instance's own user, in a directory the environment names.
        assertThat(nubo.get("vault", "/file/run/secrets/db-password").body()).isEqualTo("0o400 first-pa55");
        assertThat(nubo.get("vault", "/env/NUBO_SECRETS_DIR").body()).isEqualTo("/run/secrets");

        assertThat(nubo.nubo("secret", "list").out()).contains("db").contains("password").doesNotContain("first-pa55");
        assertThat(nubo.nubo("describe", "vault", "-o", "json").out()).contains("db/password").doesNotContain("first-pa55");

        TestNubo.CliResult rotated = nubo.nubo("secret", "set", "db", "password=second-pa55");
        assertThat(rotated.out()).contains("secret db set (version 2); deploying vault-00002 to use it");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(nubo.get("vault", "/env/DB_PASSWORD").body()).isEqualTo("second-pa55"));
        assertThat(nubo.get("vault", "/file/run/secrets/db-password").body()).isEqualTo("0o400 second-pa55");
        TestNubo.CliResult wrongFile = nubo.nubo("deploy", app("vault", "files: {/run/secrets/tls.key: {secret: tls/key}}\n").toString());
        assertThat(wrongFile.err()).contains("vault's files./run/secrets/tls.key takes secret tls/key, but there is no secret named tls");

        Path keyFile = Files.writeString(apps.resolve("tls.key"), "-----BEGIN KEY-----\nfile-pa55\n");
        assertThat(nubo.nubo("secret", "set", "tls", "--from-file", "key=" + keyFile).out()).isEqualTo("secret tls set (version 1)\n");
        assertThat(nubo.nubo("secret", "list").out()).contains("tls").contains("key");
        assertThat(nubo.nubo("secret", "delete", "tls").out()).isEqualTo("deleted secret tls\n");

        TestNubo.CliResult inUse = nubo.nubo("secret", "delete", "db");
        assertThat(inUse.exitCode()).isEqualTo(1);
        assertThat(inUse.err()).contains("secret db is used by vault");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("master.key")))).isEqualTo("rw-------");
        for (String db : new String[] {"nubo.db", "nubo.db-wal"}) {
            if (Files.exists(home.resolve(db))) {
                assertThat(Files.readString(home.resolve(db), StandardCharsets.ISO_8859_1)).doesNotContain("pa55");
            }
        }
        assertThat(nubo.serverOutput()).doesNotContain("pa55");
    }

    @Test
    void aWebhookSecretIsStoredSealedAndStillChecksSignatures() throws Exception {
        TestNubo.CliResult created = nubo.nubo("source", "create", "webhook", "gh", "--secret", "hook-k3y-s3cret", "--broker", "default");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        byte[] body = "{\"ref\":\"main\"}".getBytes(StandardCharsets.UTF_8);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("hook-k3y-s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        HttpRequest.Builder signed = HttpRequest.newBuilder(java.net.URI.create(nubo.server().apiUrl() + "/v1/webhooks/gh"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
        var client = java.net.http.HttpClient.newHttpClient();
        assertThat(client.send(signed.copy().header("X-Hub-Signature-256", signature).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
        assertThat(client.send(signed.copy().header("X-Hub-Signature-256", "sha256=" + "0".repeat(64)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        for (String db : new String[] {"events.db", "events.db-wal"}) {
            if (Files.exists(home.resolve(db))) {
                assertThat(Files.readString(home.resolve(db), StandardCharsets.ISO_8859_1)).doesNotContain("hook-k3y-s3cret");
            }
        }
    }

    @Test
    void aPrivateServiceRefusesCallersWithoutAnInvokerToken() throws Exception {
        assertThat(nubo.nubo("deploy", app("inner", "auth: token\nenv: {GREETING: hi}\n").toString()).exitCode()).isZero();
        String invoker = nubo.nubo("token", "create", "caller", "--role", "invoker").out().strip();
        String producer = nubo.nubo("token", "create", "feeds", "--role", "producer", "--broker", "orders").out().strip();

        var anonymous = nubo.get("inner", "/env/GREETING");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(anonymous.body()).at("/error/message").asText())
                .isEqualTo("service inner is private (auth: token): the request has no bearer token");
        assertThat(Json.mapper().readTree(anonymous.body()).at("/error/hint").asText()).startsWith("send `Authorization: Bearer <token>`");
        var withProducer = nubo.send("inner", "/env/GREETING", HttpRequest.newBuilder().GET(), Map.of("Authorization", "Bearer " + producer));
        assertThat(withProducer.statusCode()).isEqualTo(403);
        var withInvoker = nubo.send("inner", "/env/GREETING", HttpRequest.newBuilder().GET(), Map.of("Authorization", "Bearer " + invoker));
        assertThat(withInvoker.statusCode()).isEqualTo(200);
        assertThat(withInvoker.body()).isEqualTo("hi");
        // The caller's Nubo token is a credential to the API too: the service never sees it, only whose it was.
        Map<String, String> asInvoker = Map.of("Authorization", "Bearer " + invoker, "Nubo-Authorizer", "{\"forged\":1}");
        assertThat(nubo.send("inner", "/header/authorization", HttpRequest.newBuilder().GET(), asInvoker).body()).isEqualTo("<unset>");
        assertThat(Json.mapper().readTree(nubo.send("inner", "/header/nubo-authorizer", HttpRequest.newBuilder().GET(), asInvoker).body()))
                .isEqualTo(Json.mapper().readTree("{\"token\":{\"name\":\"caller\",\"role\":\"invoker\"}}"));
        assertThat(nubo.invoke("inner", "", Map.of()).statusCode()).as("nubo invoke passes the caller's token on").isEqualTo(200);

        // The producer posts only into its broker; the invoker reads nothing of the API.
        assertThat(nubo.api("PUT", "/v1/brokers/orders", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(201);
        String event = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"t\",\"type\":\"t\"}";
        assertThat(nubo.api("POST", "/v1/brokers/orders/events", producer, HttpRequest.BodyPublishers.ofString(event),
                "application/cloudevents+json").statusCode()).isEqualTo(202);
        assertThat(nubo.api("POST", "/v1/brokers/other/events", producer, HttpRequest.BodyPublishers.ofString(event),
                "application/cloudevents+json").statusCode()).isEqualTo(403);
        assertThat(nubo.api("GET", "/v1/services", invoker, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(403);
    }

    @Test
    void aJwtPrivateServiceTakesOnlyValidTokensAndHandsTheirClaimsOn() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();  // an EC key: generated in milliseconds
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        idp.createContext("/jwks.json", x -> {
            x.sendResponseHeaders(200, jwks.length);
            x.getResponseBody().write(jwks);
            x.close();
        });
        idp.start();
        try {
            String auth = "auth:\n  jwt:\n    issuer: https://id.example/\n    audience: orders\n    jwksUrl: http://127.0.0.1:"
                    + idp.getAddress().getPort() + "/jwks.json\n";
            TestNubo.CliResult deployed = nubo.nubo("deploy", app("claims", auth).toString());
            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();

            Date now = new Date();
            String valid = jwt(key, "orders", new Date(now.getTime() + 600_000));
            var ok = nubo.send("claims", "/header/nubo-authorizer", HttpRequest.newBuilder().GET(), Map.of("Authorization", "Bearer " + valid));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(ok.body()).at("/jwt/claims/sub").asText()).isEqualTo("alice");
            assertThat(nubo.send("claims", "/header/authorization", HttpRequest.newBuilder().GET(), Map.of("Authorization", "Bearer " + valid))
                    .body()).as("the JWT was made for this service: it keeps it").isEqualTo("Bearer " + valid);

            assertRefused(nubo.get("claims", "/"), "the request has no bearer token");
            assertRefused(nubo.send("claims", "/", HttpRequest.newBuilder().GET(),
                    Map.of("Authorization", "Bearer " + jwt(key, "orders", new Date(now.getTime() - 600_000)))), "Expired JWT");
            assertRefused(nubo.send("claims", "/", HttpRequest.newBuilder().GET(),
                    Map.of("Authorization", "Bearer " + jwt(key, "billing", new Date(now.getTime() + 600_000)))), "JWT aud claim rejected");
            String invoker = nubo.nubo("token", "create", "not-a-jwt", "--role", "invoker").out().strip();
            assertRefused(nubo.send("claims", "/", HttpRequest.newBuilder().GET(), Map.of("Authorization", "Bearer " + invoker)),
                    "the bearer token is not a JWT");

            TestNubo.CliResult badKeys = nubo.nubo("deploy", app("claims", "auth: {jwt: {issuer: i, audience: a, jwks: {keys: [{kty: XX}]}}}\n").toString());
            assertThat(badKeys.exitCode()).isEqualTo(1);
            assertThat(badKeys.err()).contains("nubo.yaml: auth.jwt.jwks holds no keys");
        } finally {
            idp.stop(0);
        }
    }

    private static String jwt(ECKey key, String audience, Date expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("https://id.example/").audience(audience).subject("alice").expirationTime(expires).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static void assertRefused(java.net.http.HttpResponse<String> response, String cause) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(Json.mapper().readTree(response.body()).at("/error/message").asText())
                .startsWith("service claims is private (auth: jwt): ").contains(cause);
    }
}
