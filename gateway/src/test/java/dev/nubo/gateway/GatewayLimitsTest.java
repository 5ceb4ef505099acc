package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Descriptor;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A service's limits over real sockets, with the gateway's clock frozen so that no token ever refills. */
class GatewayLimitsTest {

    private final Harness h = new Harness();

    GatewayLimitsTest() {
        long frozen = System.nanoTime();
        h.gateway.nanoClock = () -> frozen;
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void answersOverTheRateWith429RetryAfterAndAnErrorNamingTheServiceAndLimit() {
        Harness.Instance instance = h.instance("hello-1", req -> req.response().end("ok"));
        h.route(ServiceRoute.single("hello", List.of(), RevisionRoute.of("hello-r1", Duration.ofSeconds(10), 1 << 20,
                List.of(instance.endpoint()))).withLimits(new Descriptor.Limits(1, 2, false, 0)));

        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        HttpResponse<String> third = h.get("hello.localhost", "/");

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).contains("1");
        JsonNode error = Harness.error(third);
        assertThat(error.path("code").asText()).isEqualTo("service.rate_limited");
        assertThat(error.path("message").asText()).isEqualTo("hello takes at most 1/s (burst 2); retry in 1s");
        assertThat(instance.requests().get()).isEqualTo(2);
        LimitFigures figures = h.gateway.limits("hello").orElseThrow();
        assertThat(figures.overRate()).isEqualTo(1);
        assertThat(figures.overRateTotal()).isEqualTo(1);
    }

    @Test
    void refusesRequestsOverTheConcurrencyLimitAtOnceInsteadOfHoldingThem() throws Exception {
        // No instance: the first two requests wait in the revision's queue, and count as in flight.
        h.route(ServiceRoute.single("hello", List.of(), new RevisionRoute("hello-r1", Duration.ofSeconds(30), 1 << 20, 0, 100,
                Duration.ofSeconds(30), List.of())).withLimits(new Descriptor.Limits(0, 0, false, 2)));
        CompletableFuture<HttpResponse<String>> first = h.http.sendAsync(h.request("hello.localhost", "/").build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second = h.http.sendAsync(h.request("hello.localhost", "/").build(),
                HttpResponse.BodyHandlers.ofString());
        waitUntil(() -> h.gateway.load("hello-r1").waiting() == 2);

        HttpResponse<String> third = h.get("hello.localhost", "/");

        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue("retry-after")).contains("1");
        assertThat(Harness.error(third).path("message").asText()).isEqualTo("hello already has 2 requests in flight, its limit");
        assertThat(h.gateway.load("hello-r1").waiting()).isEqualTo(2);
        assertThat(h.gateway.limits("hello").orElseThrow().overConcurrency()).isEqualTo(1);

        // The held ones end (an instance arrives); their slots come back.
        Harness.Instance instance = h.instance("hello-1", req -> req.response().end("ok"));
        h.route(ServiceRoute.single("hello", List.of(), new RevisionRoute("hello-r1", Duration.ofSeconds(30), 1 << 20, 0, 100,
                Duration.ofSeconds(30), List.of(instance.endpoint()))).withLimits(new Descriptor.Limits(0, 0, false, 2)));
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(second.get().statusCode()).isEqualTo(200);
        waitUntil(() -> h.gateway.limits("hello").orElseThrow().inFlight() == 0);
        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void limitsAPathPrefixOnItsOwnAndPerMethod() {
        Harness.Instance instance = h.instance("hello-1", req -> req.response().end("ok"));
        h.route(ServiceRoute.single("hello", List.of(), RevisionRoute.of("hello-r1", Duration.ofSeconds(10), 1 << 20,
                List.of(instance.endpoint()))).withLimits(new Descriptor.Limits(0, 0, false, 0, java.util.Map.of(
                        "/search", new Descriptor.Limits(1, 1, false, 0),
                        "POST /orders", new Descriptor.Limits(1, 1, false, 0)))));

        assertThat(h.get("hello.localhost", "/search?q=a").statusCode()).isEqualTo(200);
        HttpResponse<String> again = h.get("hello.localhost", "/search/more");
        assertThat(h.get("hello.localhost", "/searches").statusCode()).isEqualTo(200);
        assertThat(h.get("hello.localhost", "/orders").statusCode()).isEqualTo(200);
        assertThat(h.get("hello.localhost", "/orders").statusCode()).isEqualTo(200);
        assertThat(h.send(h.request("hello.localhost", "/orders").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(200);
        HttpResponse<String> secondPost = h.send(h.request("hello.localhost", "/orders/7")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());

        assertThat(again.statusCode()).isEqualTo(429);
        assertThat(Harness.error(again).path("message").asText()).isEqualTo("hello on /search takes at most 1/s (burst 1); retry in 1s");
        assertThat(secondPost.statusCode()).isEqualTo(429);
        assertThat(instance.requests().get()).isEqualTo(5);
        LimitFigures figures = h.gateway.limits("hello").orElseThrow();
        assertThat(figures.paths().get("/search").overRateTotal()).isEqualTo(1);
        assertThat(figures.paths().get("POST /orders").overRateTotal()).isEqualTo(1);
        assertThat(figures.overRateTotal()).isZero();
    }

    @Test
    void aServiceWithoutLimitsHasNoFigures() {
        Harness.Instance instance = h.instance("hello-1", req -> req.response().end("ok"));
        h.route("hello", List.of(), instance);

        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        assertThat(h.gateway.limits("hello")).isEmpty();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30s");
            }
            Thread.sleep(10);
        }
    }
}
