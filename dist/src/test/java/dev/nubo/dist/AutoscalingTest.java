package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scale to zero and back, hold while cold, per-instance limits, queue overflow and panic scale-up, end to end. */
class AutoscalingTest {

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;

    @BeforeEach
    void start() {
        nubo = TestNubo.start(home);
    }

    @AfterEach
    void stop() {
        nubo.close();
    }

    private void deploy(String name, String scaleYaml) {
        Path dir = TestNubo.app(apps.resolve(name), name, SampleApps.echoYaml(name, scaleYaml), Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult result = nubo.nubo("deploy", dir.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private JsonNode service(String name) {
        HttpResponse<String> r = nubo.api("GET", "/v1/services/" + name, nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return Json.mapper().readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode routedRevision(String name) {
        JsonNode s = service(name);
        String serving = s.path("servingRevision").asText();
        return StreamSupport.stream(s.path("revisions").spliterator(), false)
                .filter(r -> r.path("id").asText().equals(serving)).findFirst().orElseThrow();
    }

    private int liveInstances(String name) {
        return (int) StreamSupport.stream(routedRevision(name).path("instances").spliterator(), false)
                .filter(i -> !i.path("state").asText().equals("DRAINING")).count();
    }

    private List<String> events(String name) {
        return StreamSupport.stream(service(name).path("events").spliterator(), false).map(e -> e.path("message").asText()).toList();
    }

    @Test
    void scalesToZeroAfterTheIdleWindowAndBackOnTheNextRequest() {
        deploy("idler", "scale: {idle: 1s}\n");
        assertThat(nubo.get("idler", "/").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> routedRevision("idler").path("instances").isEmpty());
        assertThat(events("idler")).anyMatch(m -> m.equals("idler-00001: 1 → 0 instances: idle for 1s"));
        assertThat(service("idler").path("state").asText()).isEqualTo("ready");

        HttpResponse<String> cold = nubo.get("idler", "/again");

        assertThat(cold.statusCode()).isEqualTo(200);
        assertThat(cold.body()).isEqualTo("idler says v1 at /again");
        JsonNode revision = routedRevision("idler");
        assertThat(revision.path("scaling").path("held").asLong()).isEqualTo(1);
        assertThat(revision.path("scaling").path("holdMaxMs").asLong()).isPositive();
        assertThat(revision.path("instances").get(0).path("startMs").asLong()).isPositive();
        assertThat(events("idler")).anyMatch(m -> m.startsWith("idler-00001: 0 → 1 instance: cold start"));
    }

    @Test
    void answersAHundredConcurrentRequestsFromZero() throws Exception {
        deploy("burst", "scale: {idle: 1s, target: 20, max: 5}\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> routedRevision("burst").path("instances").isEmpty());

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                String path = "/sleep?ms=50&i=" + i;
                calls.add(CompletableFuture.supplyAsync(() -> nubo.get("burst", path), pool));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> r = call.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("burst says v1 at /sleep");
            }
        }
        JsonNode scaling = routedRevision("burst").path("scaling");
        assertThat(scaling.path("requests").asLong()).isEqualTo(100);
        assertThat(scaling.path("held").asLong()).isPositive();
        assertThat(scaling.path("waiting").asInt()).isZero();
        assertThat(liveInstances("burst")).isBetween(2, 5);  // 100 held for target 20: panic to 5 at once
    }

    @Test
    void neverGivesAnInstanceMoreThanItsLimit() throws Exception {
        deploy("capped", "scale: {min: 1, max: 1, limit: 2, target: 2}\n");

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> nubo.get("capped", "/sleep?ms=200"), pool));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                assertThat(call.get().statusCode()).isEqualTo(200);
            }
        }

        assertThat(nubo.get("capped", "/peak").body()).isEqualTo("2");
        assertThat(routedRevision("capped").path("scaling").path("held").asLong()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void answersQueueOverflowWith503AndRetryAfter() throws Exception {
        deploy("narrow", "scale: {min: 1, max: 1, limit: 1, target: 1, queue: {length: 2}}\n");
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
            admitted.add(CompletableFuture.supplyAsync(() -> nubo.get("narrow", "/sleep?ms=3000"), pool));
            await().atMost(Duration.ofSeconds(5)).until(() -> routedRevision("narrow").path("scaling").path("inFlight").asInt() == 1);
            admitted.add(CompletableFuture.supplyAsync(() -> nubo.get("narrow", "/sleep?ms=10"), pool));
            admitted.add(CompletableFuture.supplyAsync(() -> nubo.get("narrow", "/sleep?ms=10"), pool));
            await().atMost(Duration.ofSeconds(5)).until(() -> routedRevision("narrow").path("scaling").path("waiting").asInt() == 2);

            HttpResponse<String> overflow = nubo.get("narrow", "/");

            assertThat(overflow.statusCode()).isEqualTo(503);
            assertThat(overflow.headers().firstValue("retry-after")).contains("1");
            assertThat(Json.mapper().readTree(overflow.body()).path("error").path("message").asText())
                    .isEqualTo("narrow is overloaded: 2 requests already wait for narrow-00001");
            for (CompletableFuture<HttpResponse<String>> call : admitted) {
                assertThat(call.get().statusCode()).isEqualTo(200);  // the queued ones were not lost
            }
        }
    }

    @Test
    void panicsUpToMaxWhenDemandDoublesCapacity() throws Exception {
        deploy("busy", "scale: {min: 1, max: 4, target: 2}\n");
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 8; c++) {
                callers.add(CompletableFuture.runAsync(() -> {
                    while (System.nanoTime() < until) {
                        assertThat(nubo.get("busy", "/sleep?ms=200").statusCode()).isEqualTo(200);
                    }
                }, pool));
            }
            await().atMost(Duration.ofSeconds(4)).until(() -> liveInstances("busy") == 4);
            for (CompletableFuture<Void> caller : callers) {
                caller.get();
            }
        }
        assertThat(events("busy")).anyMatch(m -> m.matches("busy-00001: [1-3] → [2-4] instances: "
                + "burst mode .*, [0-9.]+ requests? in flight on average, target 2 per instance.*"));
    }
}
