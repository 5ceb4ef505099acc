package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An OpenAPI document deployed with the CLI in front of a real service, called through the packaged server's gateway. */
class ApisTest {

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;
    static RSAKey signing;

    @BeforeAll
    static void start() throws Exception {
        signing = new RSAKeyGenerator(2048).keyID("k1").generate();
        nubo = TestNubo.start(home);
        Path dir = TestNubo.app(apps, "users", SampleApps.echoYaml("users", ""), Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    static Path document(String usersService) throws Exception {
        Path file = apps.resolve("openapi-" + usersService + ".yaml");
        Files.writeString(file, """
                openapi: 3.1.0
                info: {title: Shop, version: "1"}
                x-nubo-cors: {allowOrigins: ["https://shop.example"], allowMethods: [GET], allowHeaders: [x-api-key]}
                paths:
                  /users/{id}:
                    get:
                      x-nubo: {service: "${stageVariables.users}", path: /headers}
                      security: [{key: []}]
                      responses: {"200": {description: ok}}
                  /admin/{id}:
                    get:
                      x-nubo: {service: "${stageVariables.users}", path: /headers}
                      security: [{jwt: [admin]}]
                      responses: {"200": {description: ok}}
                  /health:
                    get:
                      responses: {"200": {description: ok, content: {application/json: {example: {up: true}}}}}
                components:
                  securitySchemes:
                    key: {type: apiKey, in: header, name: x-api-key}
                    jwt: {type: http, scheme: bearer, x-nubo-authorizer: {issuer: "https://id.test", audience: shop, jwks: %s}}
                """.formatted(new JWKSet(signing.toPublicJWK())));
        return file;
    }

    private HttpResponse<String> call(String path, String... headers) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        return nubo.send("shop", path, HttpRequest.newBuilder().GET(), map);
    }

    @Test
    void servesAnOpenApiDocumentWithKeysJwtsCorsAndMocksAndRollsBack() throws Exception {
        TestNubo.CliResult deployed = nubo.nubo("api", "deploy", document("users").toString(), "--stage", "prod", "--var", "users=users");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(deployed.out()).contains("API shop v1 serves").contains("GET /users/{id} -> users /headers");

        assertThat(call("/prod/health").body()).isEqualTo("{\"up\":true}");
        HttpResponse<String> noKey = call("/prod/users/7");
        assertThat(noKey.statusCode()).isEqualTo(403);
        assertThat(Json.mapper().readTree(noKey.body()).path("error").path("code").asText()).isEqualTo("api.key_missing");

        TestNubo.CliResult created = nubo.nubo("apikey", "create", "--api", "shop", "--rate", "1", "--burst", "2");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String key = created.out().lines().filter(l -> l.startsWith("nk_")).findFirst().orElseThrow();
        HttpResponse<String> ok = call("/prod/users/7", "x-api-key", key, "origin", "https://shop.example", "nubo-authorizer", "forged");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode seen = Json.mapper().readTree(ok.body());
        assertThat(seen.path("nubo-route-key").asText()).isEqualTo("GET /users/{id}");
        assertThat(seen.path("nubo-stage").asText()).isEqualTo("prod");
        assertThat(seen.path("nubo-path-parameters").asText()).isEqualTo("{\"id\":\"7\"}");
        assertThat(seen.path("nubo-authorizer").asText()).isEqualTo("{}");
        assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue("https://shop.example");
        call("/prod/users/7", "x-api-key", key);
        HttpResponse<String> limited = call("/prod/users/7", "x-api-key", key);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(nubo.nubo("usage", "--api", "shop").out()).contains("key-");

        String token = token("admin");
        HttpResponse<String> admin = call("/prod/admin/1", "authorization", "Bearer " + token);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(Json.mapper().readTree(admin.body()).path("nubo-authorizer").asText())
                .path("jwt").path("claims").path("sub").asText()).isEqualTo("ada");
        assertThat(call("/prod/admin/1", "authorization", "Bearer " + token("read")).statusCode()).isEqualTo(403);

        assertThat(nubo.nubo("api", "deploy", document("nobody").toString(), "--var", "users=nobody").exitCode()).isZero();
        assertThat(call("/prod/health").statusCode()).isEqualTo(200);
        assertThat(call("/prod/admin/1", "authorization", "Bearer " + token).statusCode()).isEqualTo(503);
        TestNubo.CliResult rollback = nubo.nubo("api", "rollback", "shop", "--stage", "prod");
        assertThat(rollback.out()).as(rollback.toString()).contains("serves v1 again");
        assertThat(call("/prod/admin/1", "authorization", "Bearer " + token).statusCode()).isEqualTo(200);

        nubo.restart();
        assertThat(call("/prod/users/7", "x-api-key", key).statusCode()).as("keys and the serving version outlive a restart").isEqualTo(200);
        assertThat(nubo.nubo("api", "list").out()).contains("shop").contains("v1 of 2");
    }

    @Test
    void validatesBodiesCachesAnswersAndTimesOutPerOperation() throws Exception {
        Path file = apps.resolve("store.yaml");
        Files.writeString(file, """
                openapi: 3.0.3
                info: {title: Store, version: "1"}
                paths:
                  /orders:
                    post:
                      x-nubo: {service: users, path: /orders}
                      requestBody:
                        required: true
                        content:
                          application/json:
                            schema:
                              type: object
                              required: [items]
                              properties:
                                items: {type: array, items: {type: object, properties: {qty: {type: integer, minimum: 1}}}}
                      responses: {"200": {description: ok}}
                  /items:
                    get:
                      x-nubo: {service: users, path: /items, cache: {ttl: 60s, key: [path, query.q]}}
                      responses: {"200": {description: ok}}
                  /slow:
                    get:
                      x-nubo: {service: users, path: /sleep, timeout: 300ms}
                      responses: {"200": {description: ok}}
                """);
        TestNubo.CliResult deployed = nubo.nubo("api", "deploy", file.toString(), "--stage", "prod");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();

        HttpResponse<String> bad = post("/prod/orders", "{\"items\": [{\"qty\": 0}]}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(Json.mapper().readTree(bad.body()).path("error").path("message").asText()).isEqualTo("$.items[0].qty: must have a minimum value of 1");
        HttpResponse<String> good = post("/prod/orders", "{\"items\": [{\"qty\": 2}]}");
        assertThat(good.body()).as("the body reaches the service whole").isEqualTo("received 23 bytes");

        HttpResponse<String> miss = nubo.send("store", "/prod/items?q=a", HttpRequest.newBuilder().GET(), Map.of());
        HttpResponse<String> hit = nubo.send("store", "/prod/items?q=a", HttpRequest.newBuilder().GET(), Map.of());
        assertThat(miss.headers().firstValue("x-cache")).hasValue("miss");
        assertThat(hit.headers().firstValue("x-cache")).hasValue("hit");
        assertThat(hit.headers().firstValue("age")).isPresent();
        assertThat(hit.body()).isEqualTo(miss.body()).isEqualTo("users says v1 at /items");
        assertThat(nubo.nubo("api", "deploy", file.toString(), "--stage", "prod").exitCode()).isZero();
        assertThat(nubo.send("store", "/prod/items?q=a", HttpRequest.newBuilder().GET(), Map.of()).headers().firstValue("x-cache"))
                .as("a redeployed API answers afresh").hasValue("miss");

        HttpResponse<String> slow = nubo.send("store", "/prod/slow?ms=5000", HttpRequest.newBuilder().GET(), Map.of());
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(Json.mapper().readTree(slow.body()).path("error").path("message").asText()).contains("300ms");
    }

    @Test
    void authorizesThroughANuboFunctionAndPassesItsContext() throws Exception {
        Path auth = TestNubo.app(apps, "auth", SampleApps.echoYaml("auth", ""), Map.of("app.py", """
                import json, os
                from http.server import BaseHTTPRequestHandler, HTTPServer
                class H(BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def do_POST(self):
                        event = json.loads(self.rfile.read(int(self.headers["content-length"])))
                        ok = event["type"] == "REQUEST" and event["identitySource"] == ["Bearer ada"]
                        body = json.dumps({"isAuthorized": ok, "context": {"user": "ada", "route": event["routeKey"]}}).encode()
                        self.send_response(200)
                        self.send_header("content-type", "application/json")
                        self.send_header("content-length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    def log_message(self, *a):
                        pass
                HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
                """));
        assertThat(nubo.nubo("deploy", auth.toString()).exitCode()).isZero();
        Path file = apps.resolve("gated.yaml");
        Files.writeString(file, """
                openapi: 3.0.3
                info: {title: Gated, version: "1"}
                paths:
                  /me:
                    get:
                      x-nubo: {service: users, path: /headers}
                      security: [{fn: []}]
                      responses: {"200": {description: ok}}
                components:
                  securitySchemes:
                    fn: {type: apiKey, in: header, name: Authorization, x-nubo-authorizer: {function: auth, ttl: 60s}}
                """);
        TestNubo.CliResult deployed = nubo.nubo("api", "deploy", file.toString(), "--stage", "prod");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();

        HttpResponse<String> allowed = nubo.send("gated", "/prod/me", HttpRequest.newBuilder().GET(), Map.of("authorization", "Bearer ada"));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(allowed.body()).path("nubo-authorizer").asText())
                .isEqualTo("{\"lambda\":{\"user\":\"ada\",\"route\":\"GET /me\"}}");
        HttpResponse<String> denied = nubo.send("gated", "/prod/me", HttpRequest.newBuilder().GET(), Map.of("authorization", "Bearer eve"));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(Json.mapper().readTree(denied.body()).path("error").path("code").asText()).isEqualTo("api.authorizer_denied");
        assertThat(nubo.send("gated", "/prod/me", HttpRequest.newBuilder().GET(), Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void aStaticSiteAtTheRootAndAnApiUnderApiShareOneHost() throws Exception {
        Path site = TestNubo.app(apps, "web", "name: web\nruntime: static\nroot: dist\n", Map.of("dist/index.html", "<h1>shop</h1>"));
        assertThat(nubo.nubo("deploy", site.toString()).exitCode()).isZero();
        Path file = apps.resolve("web-api.yaml");
        Files.writeString(file, """
                openapi: 3.0.3
                info: {title: Web API, version: "1"}
                x-nubo: {name: webapi, stages: {prod: {host: "web.%s", basePath: /api}}}
                paths:
                  /users/{id}:
                    get:
                      x-nubo: {service: users, path: "/v1/users/{id}"}
                      responses: {"200": {description: ok}}
                """.formatted(nubo.server().domain()));
        TestNubo.CliResult deployed = nubo.nubo("api", "deploy", file.toString(), "--stage", "prod");
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();

        assertThat(nubo.get("web", "/").body()).isEqualTo("<h1>shop</h1>");
        HttpResponse<String> api = nubo.get("web", "/api/users/7");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        assertThat(api.body()).isEqualTo("users says v1 at /v1/users/7");
        assertThat(nubo.get("webapi", "/prod/users/7").body()).as("and on its own host").isEqualTo("users says v1 at /v1/users/7");
    }

    private HttpResponse<String> post(String path, String json) {
        return nubo.send("store", path, HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(json)),
                Map.of("content-type", "application/json"));
    }

    private static String token(String scope) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer("https://id.test").audience("shop").subject("ada").claim("scope", scope)
                .expirationTime(new Date(System.currentTimeMillis() + 300_000)).build());
        jwt.sign(new RSASSASigner(signing));
        return jwt.serialize();
    }
}
