package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayRoutingTest {

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void routesByHostNameIgnoringPortAndCase() {
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("hello")));
        h.route("other", List.of(), h.instance("other-1", req -> req.response().end("other")));

        assertThat(h.get("hello.localhost", "/").body()).isEqualTo("hello");
        assertThat(h.get("HeLLo.LocalHost:8080", "/").body()).isEqualTo("hello");
        assertThat(h.get("other.localhost:" + h.gateway.port(), "/x").body()).isEqualTo("other");
    }

    @Test
    void routesByLongestPathPrefixAndForwardsThePathUnchanged() {
        h.route("api", List.of("/api"), h.instance("api-1", req -> req.response().end("api " + req.uri())));
        h.route("v2", List.of("/api/v2"), h.instance("v2-1", req -> req.response().end("v2 " + req.uri())));
        h.route("site", List.of("/"), h.instance("site-1", req -> req.response().end("site " + req.uri())));
        String bare = "127.0.0.1:" + h.gateway.port();

        assertThat(h.get(bare, "/api/v2/users?q=1&r=%20").body()).isEqualTo("v2 /api/v2/users?q=1&r=%20");
        assertThat(h.get(bare, "/api").body()).isEqualTo("api /api");
        assertThat(h.get("localhost", "/api/v20").body()).isEqualTo("api /api/v20");
        assertThat(h.get("localhost", "/apix").body()).isEqualTo("site /apix");
        assertThat(h.get("nosuch.localhost", "/").body()).isEqualTo("site /");
    }

    @Test
    void answersUnknownRoutesWithJsonNamingHostAndPath() {
        h.route("api", List.of("/api"), h.instance("api-1", req -> req.response().end("api")));

        HttpResponse<String> response = h.get("ghost.localhost", "/nowhere");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        JsonNode error = Harness.error(response);
        assertThat(error.path("code").asText()).isEqualTo("route.unknown");
        assertThat(error.path("message").asText()).isEqualTo("no service answers at host 'ghost.localhost' and path '/nowhere'");
        assertThat(error.path("hint").asText()).isEqualTo("run `nubo list` to see services; a service answers at NAME.localhost");
        assertThat(error.path("requestId").asText()).isNotEmpty()
                .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
    }

    @Test
    void answersAServiceWithoutInstancesThatHoldsNothingWith503AndRetryAfter() {
        h.route(ServiceRoute.single("hello", List.of(),
                new RevisionRoute("hello-1", Duration.ofSeconds(30), 1024, 0, 0, Duration.ofSeconds(30), List.of())));

        HttpResponse<String> response = h.send(h.request("hello.localhost", "/").header("X-Request-Id", "req-7").build());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).contains("1");
        JsonNode error = Harness.error(response);
        assertThat(error.path("code").asText()).isEqualTo("service.unavailable");
        assertThat(error.path("message").asText())
                .isEqualTo("hello has no ready instance (hello-1, which holds no requests: scale.queue.length is 0)");
        assertThat(error.path("hint").asText())
                .isEqualTo("retry later; set scale.queue.length in nubo.yaml to hold requests while instances start");
        assertThat(error.path("requestId").asText()).isEqualTo("req-7");
    }

    @Test
    void letsRequestsInFlightFinishOnTheRoutesTheyStartedWith() throws Exception {
        Harness.Instance slow = h.instance("slow-1", req -> h.vertx.setTimer(400, t -> req.response().end("slow")));
        h.route("hello", List.of(), slow);
        CompletableFuture<HttpResponse<String>> pending =
                h.http.sendAsync(h.request("hello.localhost", "/").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.inFlight("slow-1") == 1);

        h.gateway.routes(RouteTable.empty());

        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(404);
        assertThat(pending.get().statusCode()).isEqualTo(200);
        assertThat(pending.get().body()).isEqualTo("slow");
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.inFlight("slow-1") == 0);
    }

    @Test
    void givesEachGatewayItsOwnFreePort() {
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("hello")));

        try (Gateway second = Gateway.start(GatewayConfig.defaults().withHost("127.0.0.1").withPort(0))) {
            assertThat(second.port()).isPositive().isNotEqualTo(h.gateway.port());
            HttpResponse<String> fromSecond = h.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + second.port() + "/")).header("Host", "hello.localhost").build());
            assertThat(fromSecond.statusCode()).isEqualTo(404);  // the second gateway has no routes
            assertThat(h.get("hello.localhost", "/").body()).isEqualTo("hello");
        }
    }

    @Test
    void takesTurnsAmongIdleInstances() {
        Harness.Instance a = h.instance("a", req -> req.response().end("a"));
        Harness.Instance b = h.instance("b", req -> req.response().end("b"));
        h.route("hello", List.of(), a, b);

        for (int i = 0; i < 10; i++) {
            assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        }

        assertThat(a.requests().get()).isEqualTo(5);
        assertThat(b.requests().get()).isEqualTo(5);
    }

    @Test
    void sendsToTheInstanceWithFewestRequestsInFlight() {
        Harness.Instance busy = h.instance("busy", req -> { });  // holds every request
        Harness.Instance free = h.instance("free", req -> req.response().end("free"));
        h.route("hello", List.of(), busy, free);
        h.http.sendAsync(h.request("hello.localhost", "/").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.inFlight("busy") == 1);

        for (int i = 0; i < 6; i++) {
            assertThat(h.get("hello.localhost", "/").body()).isEqualTo("free");
        }
        assertThat(busy.requests().get()).isEqualTo(1);
    }
}
