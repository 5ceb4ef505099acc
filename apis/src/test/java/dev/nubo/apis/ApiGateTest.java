package dev.nubo.apis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The APIs' front door with a real OpenAPI document, real API keys and JWTs signed here, and a manual clock. */
class ApiGateTest {

    private static RSAKey signing;
    private static RSAKey stranger;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-03T10:00:00Z").toEpochMilli());
    private final InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
    private final ApiKeys keys = new ApiKeys();
    private final ApiGate gate = new ApiGate("localhost", keys, clock, nanos::get);

    @BeforeAll
    static void keys() throws Exception {
        signing = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    }

    static String document() {
        String jwks = new JWKSet(signing.toPublicJWK()).toString();
        return """
                openapi: 3.0.3
                info: {title: Shop API, version: "1"}
                x-nubo: {name: shop}
                x-nubo-cors: {allowOrigins: ["https://shop.example"], allowMethods: [GET, POST], allowHeaders: [content-type, x-api-key], maxAge: 600}
                paths:
                  /health:
                    get:
                      responses: {"200": {description: ok, content: {application/json: {example: {status: up}}}}}
                  /users/{id}:
                    get:
                      x-nubo: {service: "${stageVariables.users}", path: "/v1/users/{id}"}
                      security: [{key: []}]
                      responses: {"200": {description: ok}}
                    delete:
                      x-nubo: {service: users}
                      security: [{jwt: [users:admin]}]
                      responses: {"204": {description: gone}}
                  /users/me:
                    get:
                      x-nubo: {service: users, path: /v1/me}
                      security: [{jwt: []}]
                      responses: {"200": {description: ok}}
                  /orders:
                    get:
                      x-nubo: {service: orders}
                      parameters: [{name: status, in: query, required: true, schema: {type: string}}]
                      security: [{key: []}, {jwt: [orders:read]}]
                      responses: {"200": {description: ok}}
                    post:
                      x-nubo: {service: orders}
                      parameters: [{name: idempotency-key, in: header, required: true, schema: {type: string}}]
                      requestBody: {required: true, content: {application/json: {schema: {type: object}}}}
                      responses: {"201": {description: made}}
                  /orders/{id}:
                    get: {x-nubo: {service: orders}, responses: {"200": {description: ok}}}
                    put: {x-nubo: {service: orders}, responses: {"200": {description: ok}}}
                    patch: {x-nubo: {service: orders}, responses: {"200": {description: ok}}}
                  /orders/{id}/items:
                    get:
                      x-nubo: {service: orders}
                      parameters:
                        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
                        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
                        - {name: sort, in: query, schema: {type: string, enum: [asc, desc]}}
                        - {name: gift, in: query, schema: {type: boolean}}
                        - {name: x-coupon, in: header, schema: {type: string, pattern: "^[A-Z]{4}$"}}
                      responses: {"200": {description: ok}}
                  /catalog:
                    get:
                      x-nubo:
                        service: catalog
                        requestHeaders: {remove: [Cookie], set: {X-Backend: "for ${stageVariables.users}"}}
                        responseHeaders: {remove: [server], set: {cache-control: "max-age=60"}}
                      responses: {"200": {description: ok}}
                components:
                  securitySchemes:
                    key: {type: apiKey, in: header, name: x-api-key}
                    jwt:
                      type: http
                      scheme: bearer
                      x-nubo-authorizer: {issuer: "https://id.example", audience: shop, jwks: %s}
                """.formatted(jwks);
    }

    private void deploy() {
        gate.publish(List.of(ApiDocument.parse(document(), "prod", Map.of("users", "users-svc"), 1, url -> {
            throw new AssertionError("no fetch expected");
        })));
    }

    record Request(String method, String host, String uri, Map<String, String> headers) implements FrontDoor.Head {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String clientAddress() {
            return "127.0.0.1";
        }

        public List<Map.Entry<String, String>> headerList() {
            return List.copyOf(headers.entrySet());
        }

        public String requestId() {
            return "req-1";
        }
    }

    private FrontDoor.Verdict call(String method, String uri, String... headers) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i].toLowerCase(), headers[i + 1]);
        }
        return gate.check(new Request(method, "Shop.localhost:8080", uri, map));
    }

    private static JsonNode error(FrontDoor.Verdict verdict, int status) {
        assertThat(verdict).isInstanceOf(FrontDoor.Answer.class);
        FrontDoor.Answer answer = (FrontDoor.Answer) verdict;
        assertThat(answer.status()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        try {
            JsonNode e = Json.mapper().readTree(answer.body()).path("error");
            assertThat(e.path("requestId").asText()).isEqualTo("req-1");
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String token(RSAKey key, String audience, String scope, Duration validFor) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://id.example").audience(audience).subject("ada")
                .claim("scope", scope).expirationTime(new Date(millis.get() + validFor.toMillis())).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return "Bearer " + jwt.serialize();
    }

    @Test
    void letsOtherHostsPassUntouched() {
        deploy();

        assertThat(gate.check(new Request("GET", "hello.localhost", "/prod/users/1", Map.of()))).isEqualTo(FrontDoor.PASS);
    }

    @Test
    void routesByMethodAndPathTemplateToTheIntegrationWithTheRouteContext() {
        deploy();
        String key = keys.create("shop", UsagePlan.defaults(), clock.instant()).secret();

        FrontDoor.Forward forward = (FrontDoor.Forward) call("GET", "/prod/users/42?full=1", "x-api-key", key);

        assertThat(forward.service()).isEqualTo("users-svc");
        assertThat(forward.uri()).isEqualTo("/v1/users/42?full=1");
        assertThat(forward.requestHeaders()).containsEntry("nubo-api", "shop").containsEntry("nubo-stage", "prod")
                .containsEntry("nubo-route-key", "GET /users/{id}").containsEntry("nubo-path-parameters", "{\"id\":\"42\"}")
                .containsEntry("nubo-api-key-id", keys.keys().getFirst().id());
        FrontDoor.Forward items = (FrontDoor.Forward) call("GET", "/prod/orders/7/items");
        assertThat(items.uri()).isEqualTo("/orders/{id}/items".replace("{id}", "7"));
    }

    @Test
    void editsHeadersBothWaysAsTheIntegrationSaysAndNeverNubosOwn() {
        deploy();

        FrontDoor.Forward forward = (FrontDoor.Forward) call("GET", "/prod/catalog");

        assertThat(forward.removeRequestHeaders()).containsExactly("cookie");
        assertThat(forward.requestHeaders()).containsEntry("x-backend", "for users-svc").containsEntry("nubo-api", "shop");
        assertThat(forward.removeResponseHeaders()).containsExactly("server");
        assertThat(forward.responseHeaders()).containsEntry("cache-control", "max-age=60");
        assertThatThrownBy(() -> ApiDocument.parse(document().replace("remove: [Cookie]", "remove: [Nubo-Authorizer]"), "prod",
                Map.of("users", "users-svc"), 2, url -> ""))
                .hasMessage("GET /catalog: x-nubo.requestHeaders may not change Nubo-Authorizer: Nubo-* headers are the gateway's context");
    }

    @Test
    void prefersALiteralSegmentOverAParameter() throws Exception {
        deploy();

        FrontDoor.Forward me = (FrontDoor.Forward) call("GET", "/prod/users/me", "authorization", token(signing, "shop", "", Duration.ofMinutes(5)));

        assertThat(me.uri()).isEqualTo("/v1/me");
        JsonNode authorizer = Json.mapper().readTree(me.requestHeaders().get("nubo-authorizer"));
        assertThat(authorizer.path("jwt").path("claims").path("sub").asText()).isEqualTo("ada");
    }

    @Test
    void answersUnknownStagesRoutesAndMethodsWithJsonSayingWhatExists() {
        deploy();

        assertThat(error(call("GET", "/dev/catalog"), 404).path("hint").asText()).contains("[prod]");
        assertThat(error(call("GET", "/prod/nothing"), 404).path("code").asText()).isEqualTo("api.route_unknown");
        JsonNode wrongMethod = error(call("DELETE", "/prod/orders"), 405);
        assertThat(wrongMethod.path("message").asText()).contains("GET").contains("POST");
    }

    @Test
    void refusesRequestsMissingRequiredParametersOrBodyNamingTheField() {
        deploy();
        String key = keys.create("shop", UsagePlan.defaults(), clock.instant()).secret();

        assertThat(error(call("GET", "/prod/orders?state=open", "x-api-key", key), 400).path("message").asText())
                .isEqualTo("the query parameter 'status' is required");
        assertThat(error(call("POST", "/prod/orders", "content-length", "2"), 400).path("message").asText())
                .isEqualTo("the header parameter 'idempotency-key' is required");
        assertThat(error(call("POST", "/prod/orders", "idempotency-key", "a"), 400).path("message").asText())
                .isEqualTo("the request body is required");
        assertThat(call("POST", "/prod/orders", "idempotency-key", "a", "content-length", "2")).isInstanceOf(FrontDoor.Forward.class);
    }

    @Test
    void refusesParameterValuesOutsideTheirSchemaNamingTheParameterAndTheRule() {
        deploy();

        assertThat(error(call("GET", "/prod/orders/abc/items"), 400).path("message").asText())
                .isEqualTo("the path parameter 'id' must be an integer (got 'abc')");
        assertThat(error(call("GET", "/prod/orders/0/items"), 400).path("message").asText())
                .isEqualTo("the path parameter 'id' must be at least 1 (got 0)");
        assertThat(error(call("GET", "/prod/orders/7/items?limit=1000"), 400).path("message").asText())
                .isEqualTo("the query parameter 'limit' must be at most 100 (got 1000)");
        assertThat(error(call("GET", "/prod/orders/7/items?sort=up"), 400).path("message").asText())
                .isEqualTo("the query parameter 'sort' must be one of [asc, desc] (got 'up')");
        assertThat(error(call("GET", "/prod/orders/7/items?gift=yes"), 400).path("message").asText())
                .isEqualTo("the query parameter 'gift' must be true or false (got 'yes')");
        assertThat(error(call("GET", "/prod/orders/7/items", "x-coupon", "save10"), 400).path("message").asText())
                .isEqualTo("the header parameter 'x-coupon' must match ^[A-Z]{4}$ (got 'save10')");
        assertThat(call("GET", "/prod/orders/7/items?limit=100&sort=desc&gift=true", "x-coupon", "SAVE"))
                .isInstanceOf(FrontDoor.Forward.class);
    }

    @Test
    void checksApiKeysAgainstTheirUsagePlan() {
        deploy();
        String key = keys.create("shop", new UsagePlan(1, 2, 3), clock.instant()).secret();
        String revoked = keys.create("shop", UsagePlan.defaults(), clock.instant()).key().id();
        keys.revoke(revoked);

        assertThat(error(call("GET", "/prod/users/1"), 403).path("code").asText()).isEqualTo("api.key_missing");
        assertThat(error(call("GET", "/prod/users/1", "x-api-key", "nk_wrong"), 403).path("code").asText()).isEqualTo("api.key_invalid");
        assertThat(call("GET", "/prod/users/1", "x-api-key", key)).isInstanceOf(FrontDoor.Forward.class);
        assertThat(call("GET", "/prod/users/1", "x-api-key", key)).isInstanceOf(FrontDoor.Forward.class);
        FrontDoor.Answer third = (FrontDoor.Answer) call("GET", "/prod/users/1", "x-api-key", key);
        assertThat(error(third, 429).path("code").asText()).isEqualTo("api.rate_exceeded");
        assertThat(third.headers()).containsEntry("retry-after", "1");

        nanos.addAndGet(1_000_000_000L);  // one token back
        assertThat(call("GET", "/prod/users/1", "x-api-key", key)).isInstanceOf(FrontDoor.Forward.class);
        nanos.addAndGet(5_000_000_000L);
        FrontDoor.Answer quota = (FrontDoor.Answer) call("GET", "/prod/users/1", "x-api-key", key);
        assertThat(error(quota, 429).path("code").asText()).isEqualTo("api.quota_exceeded");
        assertThat(quota.headers()).containsEntry("retry-after", Long.toString(14 * 3600));

        millis.addAndGet(Duration.ofDays(1).toMillis());  // a new UTC day
        assertThat(call("GET", "/prod/users/1", "x-api-key", key)).isInstanceOf(FrontDoor.Forward.class);
        assertThat(keys.usage("shop")).anySatisfy(u -> assertThat(u.total()).isEqualTo(4));
    }

    @Test
    void checksJwtsSignatureIssuerAudienceExpiryAndScopes() throws Exception {
        deploy();

        assertThat(error(call("DELETE", "/prod/users/1"), 401).path("code").asText()).isEqualTo("api.token_missing");
        assertThat(error(call("DELETE", "/prod/users/1", "authorization", token(stranger, "shop", "users:admin", Duration.ofMinutes(5))), 401)
                .path("message").asText()).contains("not valid");
        assertThat(error(call("DELETE", "/prod/users/1", "authorization", token(signing, "other", "users:admin", Duration.ofMinutes(5))), 401)
                .path("message").asText()).contains("aud");
        assertThat(error(call("DELETE", "/prod/users/1", "authorization", token(signing, "shop", "users:admin", Duration.ofMinutes(-5))), 401)
                .path("message").asText()).contains("xpired");
        assertThat(error(call("DELETE", "/prod/users/1", "authorization", token(signing, "shop", "users:read", Duration.ofMinutes(5))), 403)
                .path("code").asText()).isEqualTo("api.scope_missing");
        assertThat(call("DELETE", "/prod/users/1", "authorization", token(signing, "shop", "users:read users:admin", Duration.ofMinutes(5))))
                .isInstanceOf(FrontDoor.Forward.class);
    }

    @Test
    void acceptsAnyOneOfTheSecurityAlternatives() throws Exception {
        deploy();

        assertThat(call("GET", "/prod/orders?status=open", "authorization", token(signing, "shop", "orders:read", Duration.ofMinutes(5))))
                .isInstanceOf(FrontDoor.Forward.class);
        assertThat(error(call("GET", "/prod/orders?status=open"), 403).path("code").asText()).isEqualTo("api.key_missing");
    }

    @Test
    void answersCorsPreflightsAndMocksItself() {
        deploy();

        FrontDoor.Answer preflight = (FrontDoor.Answer) call("OPTIONS", "/prod/orders", "origin", "https://shop.example",
                "access-control-request-method", "POST", "access-control-request-headers", "Content-Type, X-Api-Key");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.headers()).containsEntry("access-control-allow-origin", "https://shop.example")
                .containsEntry("access-control-allow-methods", "GET, POST").containsEntry("access-control-max-age", "600");
        assertThat(error(call("OPTIONS", "/prod/orders", "origin", "https://evil.example", "access-control-request-method", "POST"), 403)
                .path("code").asText()).isEqualTo("api.cors_origin");

        FrontDoor.Answer health = (FrontDoor.Answer) call("GET", "/prod/health", "origin", "https://shop.example");
        assertThat(health.status()).isEqualTo(200);
        assertThat(new String(health.body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"up\"}");
        assertThat(health.headers()).containsEntry("access-control-allow-origin", "https://shop.example");
    }

    @Test
    void refusesDocumentsItCannotServeSayingWhatToFix() {
        assertThatThrownBy(() -> ApiDocument.parse("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n"
                + "      responses: {'200': {description: ok}}\n", "prod", Map.of(), 1, u -> "")).isInstanceOf(UserError.class)
                .hasMessageContaining("GET /a has neither an x-nubo integration nor a response example");
        assertThatThrownBy(() -> ApiDocument.parse(document(), "prod", Map.of(), 1, u -> "")).isInstanceOf(UserError.class)
                .hasMessageContaining("stage variable 'users'");
        assertThatThrownBy(() -> ApiDocument.parse("not: openapi", "prod", Map.of(), 1, u -> "")).isInstanceOf(UserError.class)
                .hasMessageContaining("not an OpenAPI 3 document");
    }
}
