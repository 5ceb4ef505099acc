package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests held while a revision has no room, per-instance limits, splits and tags, over real sockets. */
class GatewayHoldTest {

    private final Harness h = new Harness();
    private final List<String> holds = new CopyOnWriteArrayList<>();

    GatewayHoldTest() {
        h.gateway.onHold(holds::add);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private static RevisionRoute revision(String id, int limit, int queueLength, Duration wait, Harness.Instance... instances) {
        return new RevisionRoute(id, Duration.ofSeconds(10), 1 << 20, limit, queueLength, wait,
                java.util.Arrays.stream(instances).map(Harness.Instance::endpoint).toList());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String host, String path) {
        return h.http.sendAsync(h.request(host, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void holdsRequestsUntilFirstInstanceIsReadyAndReleasesThemInArrivalOrder() throws Exception {
        RevisionRoute cold = revision("hello-1", 0, 100, Duration.ofSeconds(10));
        h.route(ServiceRoute.single("hello", List.of(), cold));
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(sendAsync("hello.localhost", "/" + i));
        }
        waitUntil(() -> h.gateway.load("hello-1").waiting() == 20);
        assertThat(holds).contains("hello-1");

        List<String> order = new CopyOnWriteArrayList<>();
        Harness.Instance warm = h.instance("hello-1-a", req -> {
            order.add(req.path());
            req.response().end("served " + req.path());
        });
        h.route(ServiceRoute.single("hello", List.of(), cold.withEndpoints(List.of(warm.endpoint()))));

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = pending.get(i).get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("served /" + i);
        }
        assertThat(warm.requests().get()).isEqualTo(20);  // none sent twice
        RevisionLoad load = h.gateway.load("hello-1");
        assertThat(load.waiting()).isZero();
        assertThat(load.held()).isEqualTo(20);
        assertThat(load.arrivals()).isEqualTo(20);
        assertThat(load.holdMax()).isPositive();
    }

    @Test
    void anInProcessClaimCountsLikeARequestAndYieldsToHeldOnes() throws Exception {
        Harness.Instance one = h.instance("one-1", req -> req.response().end("ok"));
        RevisionRoute limited = revision("one-r1", 1, 100, Duration.ofSeconds(10), one);
        h.route(ServiceRoute.single("one", List.of(), limited));

        Gateway.Claim claim = h.gateway.claim("one", 10).orElseThrow();
        assertThat(claim.port()).isEqualTo(one.endpoint().port());
        assertThat(h.gateway.inFlight("one-1")).isEqualTo(1);
        assertThat(h.gateway.load("one-r1").arrivals()).isEqualTo(1);
        assertThat(h.gateway.claim("one", 10)).as("the instance is at its limit of 1").isEmpty();
        assertThat(h.gateway.claim("one", 2 << 20)).as("over the body limit").isEmpty();
        assertThat(h.gateway.claim("nope", 10)).isEmpty();

        CompletableFuture<HttpResponse<String>> held = sendAsync("one.localhost", "/");
        waitUntil(() -> h.gateway.load("one-r1").waiting() == 1);
        claim.release();
        claim.release(); // a second release gives nothing back twice
        assertThat(held.get().statusCode()).as("the released slot goes to the held request").isEqualTo(200);
        waitUntil(() -> h.gateway.inFlight("one-1") == 0);
        assertThat(h.gateway.claim("one", 10)).isPresent();
    }

    @Test
    void neverGivesAnInstanceMoreThanItsLimitAndQueuesTheRest() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Harness.Instance slow = h.instance("slow-1", req -> {
            peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            h.vertx.setTimer(100, t -> {
                concurrent.decrementAndGet();
                req.response().end("ok");
            });
        });
        h.route(ServiceRoute.single("hello", List.of(), revision("hello-1", 2, 100, Duration.ofSeconds(10), slow)));

        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(sendAsync("hello.localhost", "/"));
        }
        for (CompletableFuture<HttpResponse<String>> f : pending) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }

        assertThat(peak.get()).isEqualTo(2);
        assertThat(slow.requests().get()).isEqualTo(10);
    }

    @Test
    void answersQueueOverflowWith503AndRetryAfter() throws Exception {
        h.route(ServiceRoute.single("hello", List.of(), revision("hello-1", 0, 2, Duration.ofSeconds(10))));
        CompletableFuture<HttpResponse<String>> first = sendAsync("hello.localhost", "/");
        CompletableFuture<HttpResponse<String>> second = sendAsync("hello.localhost", "/");
        waitUntil(() -> h.gateway.load("hello-1").waiting() == 2);

        HttpResponse<String> third = h.get("hello.localhost", "/");

        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue("retry-after")).contains("1");
        JsonNode error = Harness.error(third);
        assertThat(error.path("code").asText()).isEqualTo("service.overloaded");
        assertThat(error.path("message").asText()).isEqualTo("hello is overloaded: 2 requests already wait for hello-1");
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
    }

    @Test
    void givesUpOnAHeldRequestAfterTheQueueWait() {
        h.route(ServiceRoute.single("hello", List.of(), revision("hello-1", 0, 10, Duration.ofMillis(300))));

        long start = System.nanoTime();
        HttpResponse<String> response = h.get("hello.localhost", "/");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Harness.error(response).path("message").asText()).isEqualTo("no instance of hello-1 had room within 300ms");
        assertThat(h.gateway.load("hello-1").waiting()).isZero();
    }

    @Test
    void reroutesHeldRequestsWhenTheirRevisionLeavesTheTable() throws Exception {
        h.route(ServiceRoute.single("hello", List.of(), revision("hello-1", 0, 10, Duration.ofSeconds(10))));
        CompletableFuture<HttpResponse<String>> pending = sendAsync("hello.localhost", "/");
        waitUntil(() -> h.gateway.load("hello-1").waiting() == 1);

        Harness.Instance next = h.instance("hello-2-a", req -> req.response().end("from hello-2"));
        h.route(ServiceRoute.single("hello", List.of(), revision("hello-2", 0, 10, Duration.ofSeconds(10), next)));

        assertThat(pending.get().body()).isEqualTo("from hello-2");
    }

    @Test
    void splitsRequestsByPercentAndRoutesTagsByHostAndHeader() {
        Harness.Instance a = h.instance("a-1", req -> req.response().end("a"));
        Harness.Instance b = h.instance("b-1", req -> req.response().end("b"));
        h.route(new ServiceRoute("hello", List.of(), List.of(new ServiceRoute.Share("hello-a", 90), new ServiceRoute.Share("hello-b", 10)),
                Map.of("canary", "hello-b"),
                Map.of("hello-a", revision("hello-a", 0, 10, Duration.ofSeconds(1), a),
                        "hello-b", revision("hello-b", 0, 10, Duration.ofSeconds(1), b))));

        int toB = 0;
        for (int i = 0; i < 200; i++) {
            toB += h.get("hello.localhost", "/").body().equals("b") ? 1 : 0;
        }
        assertThat(toB).isEqualTo(20);
        assertThat(h.get("canary-hello.localhost", "/").body()).isEqualTo("b");
        for (int i = 0; i < 5; i++) {
            assertThat(h.send(h.request("hello.localhost", "/").header("Nubo-Tag", "canary").build()).body()).isEqualTo("b");
        }
        // an unknown tag in the header falls back to the split rather than failing
        assertThat(h.send(h.request("hello.localhost", "/").header("Nubo-Tag", "nope").build()).statusCode()).isEqualTo(200);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            Thread.sleep(10);
        }
    }
}
