package dev.nubo.apis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Custom authorizers with a real function over a real socket: a small HTTP server that answers the
 * REQUEST-authorizer event as a Lambda authorizer's simple response would.
 */
class ApiFunctionAuthorizerTest {

    private static final String DOCUMENT = """
            openapi: 3.0.3
            info: {title: Shop, version: "1"}
            paths:
              /orders/{id}:
                get:
                  x-nubo: {service: orders}
                  security: [{custom: []}]
                  responses: {"200": {description: ok}}
            components:
              securitySchemes:
                custom: {type: apiKey, in: header, name: Authorization, x-nubo-authorizer: {function: auth, ttl: 60s, identity: header.Authorization}}
            """;

    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-03T10:00:00Z").toEpochMilli());
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer function;
    private ApiGate gate;

    @BeforeEach
    void start() throws IOException {
        function = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        function.createContext("/auth", exchange -> {
            JsonNode event = Json.mapper().readTree(exchange.getRequestBody());
            events.add(event);
            String identity = event.path("identitySource").path(0).asText();
            String answer = switch (identity) {
                case "Bearer ada" -> "{\"isAuthorized\": true, \"context\": {\"user\": \"ada\", \"tier\": 2}}";
                case "Bearer broken" -> null;
                default -> "{\"isAuthorized\": false}";
            };
            byte[] body = (answer == null ? "oops" : answer).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer == null ? 500 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        function.start();
        String base = "http://127.0.0.1:" + function.getAddress().getPort() + "/";
        gate = new ApiGate("localhost", new ApiKeys(), () -> Instant.ofEpochMilli(millis.get()), () -> 0L,
                (name, event) -> client.sendAsync(HttpRequest.newBuilder(URI.create(base + name)).POST(HttpRequest.BodyPublishers.ofByteArray(event)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> new ApiGate.FunctionReply(r.statusCode(), r.body())));
        gate.publish(List.of(ApiDocument.parse(DOCUMENT, "prod", Map.of(), 1, u -> "")));
    }

    @AfterEach
    void stop() {
        function.stop(0);
        client.shutdownNow();
    }

    /** Checks as the gateway does: a Later is waited for, then the request is checked again. */
    private FrontDoor.Verdict call(String authorization) throws Exception {
        Map<String, String> headers = authorization == null ? Map.of("user-agent", "test") : Map.of("authorization", authorization, "user-agent", "test");
        ApiGateTest.Request request = new ApiGateTest.Request("GET", "shop.localhost", "/prod/orders/7?x=1", headers);
        FrontDoor.Verdict verdict = gate.check(request);
        if (verdict instanceof FrontDoor.Later later) {
            later.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
            verdict = gate.check(request);
            assertThat(verdict).isNotInstanceOf(FrontDoor.Later.class);
        }
        return verdict;
    }

    private static JsonNode error(FrontDoor.Verdict verdict, int status) throws IOException {
        assertThat(verdict).isInstanceOf(FrontDoor.Answer.class);
        assertThat(((FrontDoor.Answer) verdict).status()).isEqualTo(status);
        return Json.mapper().readTree(((FrontDoor.Answer) verdict).body()).path("error");
    }

    @Test
    void anAllowedIdentityReachesTheIntegrationWithTheFunctionsContext() throws Exception {
        FrontDoor.Verdict verdict = call("Bearer ada");

        assertThat(verdict).isInstanceOf(FrontDoor.Forward.class);
        assertThat(((FrontDoor.Forward) verdict).requestHeaders()).containsEntry("nubo-authorizer", "{\"lambda\":{\"user\":\"ada\",\"tier\":2}}");
        JsonNode event = events.get(0);
        assertThat(event.path("type").asText()).isEqualTo("REQUEST");
        assertThat(event.path("version").asText()).isEqualTo("2.0");
        assertThat(event.path("routeKey").asText()).isEqualTo("GET /orders/{id}");
        assertThat(event.path("rawPath").asText()).isEqualTo("/prod/orders/7");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("x=1");
        assertThat(event.path("headers").path("authorization").asText()).isEqualTo("Bearer ada");
        assertThat(event.path("pathParameters").path("id").asText()).isEqualTo("7");
        assertThat(event.path("requestContext").path("stage").asText()).isEqualTo("prod");
    }

    @Test
    void aDecisionIsKeptPerIdentityForItsTtl() throws Exception {
        call("Bearer ada");
        assertThat(gate.check(new ApiGateTest.Request("GET", "shop.localhost", "/prod/orders/8", Map.of("authorization", "Bearer ada"))))
                .as("kept: decided at once").isInstanceOf(FrontDoor.Forward.class);
        error(call("Bearer eve"), 403);
        millis.addAndGet(60_000);
        call("Bearer ada");

        assertThat(events).extracting(e -> e.path("identitySource").path(0).asText()).containsExactly("Bearer ada", "Bearer eve", "Bearer ada");
    }

    @Test
    void aDeniedMissingOrFailingDecisionIsAnsweredWithJsonErrors() throws Exception {
        assertThat(error(call("Bearer eve"), 403).path("code").asText()).isEqualTo("api.authorizer_denied");
        JsonNode missing = error(call(null), 401);
        assertThat(missing.path("code").asText()).isEqualTo("api.identity_missing");
        assertThat(missing.path("hint").asText()).isEqualTo("send authorization as a header");
        JsonNode failed = error(call("Bearer broken"), 500);
        assertThat(failed.path("code").asText()).isEqualTo("api.authorizer_failed");
        assertThat(failed.path("message").asText()).isEqualTo("the authorizer could not decide: auth answered 500");
        assertThat(events).hasSize(2);  // the missing identity never reached the function
    }

    @Test
    void aBadAuthorizerIsRefusedAtDeploy() {
        assertThatThrownBy(() -> ApiDocument.parse(DOCUMENT.replace("ttl: 60s", "ttl: 10ms"), "prod", Map.of(), 1, u -> ""))
                .isInstanceOf(UserError.class).hasMessageContaining("x-nubo-authorizer.ttl '10ms' is not a duration from 1s to 1h");
        assertThatThrownBy(() -> ApiDocument.parse(DOCUMENT.replace("header.Authorization", "cookie.sid"), "prod", Map.of(), 1, u -> ""))
                .isInstanceOf(UserError.class).hasMessageContaining("identity 'cookie.sid'");
    }
}
