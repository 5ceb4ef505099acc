package dev.nubo.apis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Request-body schemas, caching and timeouts read from an operation's OpenAPI and x-nubo, as the front door applies them. */
class ApiOperationSettingsTest {

    static final String DOCUMENT = """
            openapi: %s
            info: {title: Shop, version: "1"}
            paths:
              /orders:
                post:
                  x-nubo: {service: orders, timeout: 2s}
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Order"}
                  responses: {"201": {description: made}}
              /items:
                get:
                  x-nubo: {service: items, cache: {ttl: 30s, key: [path, query.q, header.Accept-Language]}}
                  responses: {"200": {description: ok}}
              /plain:
                get:
                  x-nubo: {service: items}
                  responses: {"200": {description: ok}}
            components:
              schemas:
                Order:
                  type: object
                  required: [customer, items]
                  properties:
                    customer: {type: string, minLength: 1}
                    items:
                      type: array
                      minItems: 1
                      items:
                        type: object
                        required: [sku, qty]
                        properties:
                          sku: {type: string}
                          qty: {type: integer, minimum: 1}
            """;

    private final ApiGate gate = new ApiGate("localhost", new ApiKeys(), () -> Instant.EPOCH, () -> 0L);

    private void deploy(String openapi, int version) {
        gate.publish(List.of(ApiDocument.parse(DOCUMENT.formatted(openapi), "prod", Map.of(), version, url -> "")));
    }

    private FrontDoor.Forward forward(String method, String uri, String... headers) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i].toLowerCase(), headers[i + 1]);
        }
        return (FrontDoor.Forward) gate.check(new ApiGateTest.Request(method, "shop.localhost", uri, map));
    }

    private Optional<FrontDoor.Answer> postOrder(String json) {
        FrontDoor.Forward forward = forward("POST", "/prod/orders", "content-type", "application/json", "content-length", "1");
        return forward.options().body().orElseThrow().check(new ApiGateTest.Request("POST", "shop.localhost", "/prod/orders",
                Map.of("content-type", "application/json")), json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode error(Optional<FrontDoor.Answer> answer, int status) throws IOException {
        assertThat(answer).isPresent();
        assertThat(answer.get().status()).isEqualTo(status);
        return Json.mapper().readTree(answer.get().body()).path("error");
    }

    @Test
    void aBodyAgainstItsSchemaIsRefusedNamingTheField() throws IOException {
        deploy("3.0.3", 1);

        JsonNode e = error(postOrder("{\"customer\": \"ada\", \"items\": [{\"sku\": \"a\", \"qty\": 0}]}"), 400);

        assertThat(e.path("code").asText()).isEqualTo("api.body_invalid");
        assertThat(e.path("message").asText()).isEqualTo("$.items[0].qty: must have a minimum value of 1");
        assertThat(e.path("hint").asText()).contains("POST /orders");
    }

    @Test
    void aBodyThatFitsPassesAndOneThatIsNotJsonIsRefused() throws IOException {
        deploy("3.1.0", 1);

        assertThat(postOrder("{\"customer\": \"ada\", \"items\": [{\"sku\": \"a\", \"qty\": 2}]}")).isEmpty();
        assertThat(error(postOrder("{\"customer\": \"ada\"}"), 400).path("message").asText()).isEqualTo("$: required property 'items' not found");
        assertThat(error(postOrder("{\"customer\": "), 400).path("message").asText()).startsWith("the body is not JSON");
    }

    @Test
    void aBodySentAsAnotherMediaTypeIsRefusedWith415() throws IOException {
        deploy("3.0.3", 1);
        FrontDoor.BodyCheck check = forward("POST", "/prod/orders", "content-length", "1").options().body().orElseThrow();

        var answer = check.check(new ApiGateTest.Request("POST", "shop.localhost", "/prod/orders", Map.of("content-type", "text/plain")),
                "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(error(answer, 415).path("code").asText()).isEqualTo("api.media_type_unsupported");
    }

    @Test
    void anOperationsTimeoutAndCacheGoToTheGateway() {
        deploy("3.0.3", 1);

        assertThat(forward("POST", "/prod/orders", "content-length", "1").options().timeout()).hasValue(Duration.ofSeconds(2));
        FrontDoor.Caching caching = forward("GET", "/prod/items?q=shoes&page=2", "accept-language", "de").options().cache().orElseThrow();
        assertThat(caching.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(forward("GET", "/prod/plain").options()).isEqualTo(FrontDoor.Options.NONE);
    }

    @Test
    void theCacheKeyChangesWithWhatItNamesAndWithTheApisVersionOnly() {
        deploy("3.0.3", 1);
        String key = forward("GET", "/prod/items?q=shoes&page=2", "accept-language", "de").options().cache().orElseThrow().key();

        assertThat(forward("GET", "/prod/items?page=3&q=shoes", "accept-language", "de", "x-other", "1").options().cache().orElseThrow().key())
                .isEqualTo(key);
        assertThat(forward("GET", "/prod/items?q=boots", "accept-language", "de").options().cache().orElseThrow().key()).isNotEqualTo(key);
        assertThat(forward("GET", "/prod/items?q=shoes", "accept-language", "fr").options().cache().orElseThrow().key()).isNotEqualTo(key);
        deploy("3.0.3", 2);
        assertThat(forward("GET", "/prod/items?q=shoes", "accept-language", "de").options().cache().orElseThrow().key()).isNotEqualTo(key);
    }

    @Test
    void aStageWithAHostOfItsOwnAnswersUnderItsBasePathAndPassesTheRestOfTheHost() {
        String document = DOCUMENT.formatted("3.0.3").replace("info: {title: Shop, version: \"1\"}",
                "info: {title: Shop, version: \"1\"}\nx-nubo: {stages: {prod: {host: Web.Example.com, basePath: /api}}}");
        gate.publish(List.of(ApiDocument.parse(document, "prod", Map.of(), 1, u -> "")));

        FrontDoor.Verdict api = gate.check(new ApiGateTest.Request("GET", "web.example.com:8080", "/api/items?q=a", Map.of()));
        FrontDoor.Verdict site = gate.check(new ApiGateTest.Request("GET", "web.example.com", "/index.html", Map.of()));
        FrontDoor.Verdict near = gate.check(new ApiGateTest.Request("GET", "web.example.com", "/apix/items", Map.of()));
        FrontDoor.Verdict unknown = gate.check(new ApiGateTest.Request("GET", "web.example.com", "/api/nothing", Map.of()));

        assertThat(api).isInstanceOf(FrontDoor.Forward.class);
        assertThat(((FrontDoor.Forward) api).uri()).isEqualTo("/items?q=a");
        assertThat(site).isEqualTo(FrontDoor.PASS);
        assertThat(near).isEqualTo(FrontDoor.PASS);
        assertThat(((FrontDoor.Answer) unknown).status()).isEqualTo(404);
        assertThat(forward("GET", "/prod/items").uri()).as("the default host still answers").isEqualTo("/items");
    }

    @Test
    void badCacheAndTimeoutSettingsAreRefusedAtDeployNamingTheOperation() {
        assertThatThrownBy(() -> ApiDocument.parse(DOCUMENT.formatted("3.0.3").replace("ttl: 30s", "ttl: soon"), "prod", Map.of(), 1, u -> ""))
                .isInstanceOf(UserError.class).hasMessageContaining("GET /items: x-nubo.cache.ttl 'soon'");
        assertThatThrownBy(() -> ApiDocument.parse(DOCUMENT.formatted("3.0.3").replace("query.q", "cookie.q"), "prod", Map.of(), 1, u -> ""))
                .isInstanceOf(UserError.class).hasMessageContaining("x-nubo.cache.key names 'cookie.q'");
        assertThatThrownBy(() -> ApiDocument.parse(DOCUMENT.formatted("3.0.3").replace("timeout: 2s", "timeout: 1d"), "prod", Map.of(), 1, u -> ""))
                .isInstanceOf(UserError.class).hasMessageContaining("POST /orders: x-nubo.timeout '1d'");
        assertThatThrownBy(() -> ApiDocument.parse(DOCUMENT.formatted("3.0.3").replace("paths:", "x-nubo: {stages: {prod: {basePath: /api}}}\npaths:"),
                "prod", Map.of(), 1, u -> "")).isInstanceOf(UserError.class).hasMessageContaining("x-nubo.stages.prod has a basePath but no host");
    }
}
