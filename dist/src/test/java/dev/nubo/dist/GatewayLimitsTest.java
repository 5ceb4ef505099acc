package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a client sees at the edges: unknown hosts, big bodies, slow services, and the API's token. */
class GatewayLimitsTest {

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home);
        Path dir = TestNubo.app(apps, "slow", SampleApps.echoYaml("slow", "timeout: 1s\nmaxBodySize: 1Ki\n"),
                Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void aSlowServiceGets504WithAJsonBody() throws Exception {
        HttpResponse<String> r = nubo.get("slow", "/sleep?ms=3000");

        assertThat(r.statusCode()).isEqualTo(504);
        JsonNode error = Json.mapper().readTree(r.body()).get("error");
        assertThat(error.get("message").asText()).contains("slow", "1s");
        assertThat(nubo.get("slow", "/sleep?ms=10").statusCode()).isEqualTo(200);
    }

    @Test
    void anOversizedBodyGets413() throws Exception {
        HttpResponse<String> r = nubo.post("slow", "/", "x".repeat(4096));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Json.mapper().readTree(r.body()).get("error").get("hint").asText()).contains("maxBodySize");
        assertThat(nubo.post("slow", "/", "x".repeat(512)).body()).isEqualTo("received 512 bytes");
    }

    @Test
    void aServiceOverItsRateGets429AndDescribeShowsTheLimit() throws Exception {
        Path bad = TestNubo.app(apps, "fast", SampleApps.echoYaml("fast", "limits: {rate: fast}\n"), Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult refused = nubo.nubo("deploy", bad.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("`limits.rate` must be a count per time, found 'fast'", "rate: 100/s");

        // One a minute, two in hand: the third request within the minute is refused, however slow the machine.
        // /search has a bucket of its own besides (one in hand): its second request is refused there.
        Path dir = TestNubo.app(apps, "capped", SampleApps.echoYaml("capped",
                        "limits: {rate: 1/m, burst: 2, paths: {/search: {rate: 1/m, burst: 1}}}\n"),
                Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(nubo.get("capped", "/search?q=x").statusCode()).isEqualTo(200);
        HttpResponse<String> search = nubo.get("capped", "/search/more");
        assertThat(search.statusCode()).isEqualTo(429);
        assertThat(Json.mapper().readTree(search.body()).get("error").get("message").asText()).startsWith("capped on /search takes at most 1/m (burst 1)");
        assertThat(nubo.get("capped", "/").statusCode()).isEqualTo(200);
        HttpResponse<String> third = nubo.get("capped", "/");

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).isPresent();
        assertThat(Json.mapper().readTree(third.body()).get("error").get("message").asText()).startsWith("capped takes at most 1/m (burst 2)");
        HttpResponse<String> view = nubo.api("GET", "/v1/services/capped", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody());
        assertThat(Json.mapper().readTree(view.body()).get("limits").get("refusedTotal").asLong()).isEqualTo(1);
        assertThat(nubo.nubo("describe", "capped").out()).contains("Limits:    rate 1/m burst 2 — ", "; on /search: rate 1/m burst 1 — 1 refused");
        assertThat(nubo.api("GET", "/metrics", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody()).body())
                .contains("nubo_gateway_limit_refused_total{limit=\"rate\",service=\"capped\"} 1.0",
                        "nubo_gateway_limit_refused_total{limit=\"rate on /search\",service=\"capped\"} 1.0");
    }

    @Test
    void aFailingServiceOpensItsBreakerAnd503sAtOnceVisibleInTheApiDescribeAndMetrics() throws Exception {
        Path bad = TestNubo.app(apps, "brittle", SampleApps.echoYaml("brittle", "resilience: {circuitBreaker: {failures: lots}}\n"),
                Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult refused = nubo.nubo("deploy", bad.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("`resilience.circuitBreaker.failures` must be a whole number from 1 to 1000, found 'lots'");

        // /unready always answers 503: two in a row open the breaker for an hour, however slow the machine.
        Path dir = TestNubo.app(apps, "fragile", SampleApps.echoYaml("fragile",
                        "resilience: {circuitBreaker: {failures: 2, openFor: 1h}, outliers: {failures: 3}, retries: {budget: 20%}}\n"),
                Map.of("app.py", SampleApps.echo("v1")));
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(nubo.get("fragile", "/unready").statusCode()).isEqualTo(503);
        assertThat(nubo.get("fragile", "/unready").statusCode()).isEqualTo(503);
        HttpResponse<String> open = nubo.get("fragile", "/");

        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue("retry-after")).isPresent();
        JsonNode error = Json.mapper().readTree(open.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("service.circuit_open");
        assertThat(error.get("message").asText()).startsWith("fragile's circuit breaker is open: 2 requests in a row failed, the last with 503 from fragile-00001-");
        HttpResponse<String> view = nubo.api("GET", "/v1/services/fragile", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody());
        JsonNode resilience = Json.mapper().readTree(view.body()).get("resilience");
        assertThat(resilience.get("state").asText()).isEqualTo("open");
        assertThat(resilience.get("refusedTotal").asLong()).isEqualTo(1);
        assertThat(nubo.nubo("describe", "fragile").out()).contains("Breaker:   open for ", "(2 failures in a row, open 1h)",
                "Ejection:  no instance ejected (3 failures in a row, eject 30s)",
                "Retries:   0 sent to another instance, 0 over the budget (budget 20%)");   // one instance: none other to retry on
        assertThat(nubo.api("GET", "/metrics", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody()).body())
                .contains("nubo_gateway_breaker_open{service=\"fragile\"} 1.0", "nubo_gateway_breaker_refused_total{service=\"fragile\"} 1.0");
    }

    @Test
    void anUnknownHostGets404SayingHowToListServices() throws Exception {
        HttpResponse<String> r = nubo.get("nothing-here", "/");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(r.body()).get("error").get("hint").asText()).contains("nubo list");
    }

    @Test
    void passesRequestIdsAndTraceContextToTheService() throws Exception {
        HttpResponse<String> r = nubo.get("slow", "/headers");

        JsonNode seen = Json.mapper().readTree(r.body());
        assertThat(seen.get("x-request-id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(seen.get("traceparent").asText()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(seen.get("x-forwarded-host").asText()).startsWith("slow.localhost");
        assertThat(seen.has("x-forwarded-for")).isTrue();
    }

    @Test
    void followsLogsAsTheServiceWritesThem() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        nubo.server().apiUrl() + "/v1/services/slow/logs?follow=true&tail=0"))
                .header("Authorization", "Bearer " + nubo.server().adminToken()).build();
        var lines = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()).body();
        try (lines) {
            var followed = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    lines.filter(l -> l.contains("served /followed")).findFirst().orElseThrow());

            assertThat(nubo.get("slow", "/followed").statusCode()).isEqualTo(200);

            assertThat(followed.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    // the line names the request when Nubo read it while that request was the only one in flight
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\S+ slow-00001-[a-z0-9]{5} stdout (\\[[0-9a-f]{32}\\] )?served /followed");
        }
    }

    @Test
    void theControlApiNeedsTheToken() throws Exception {
        HttpResponse<String> none = nubo.api("GET", "/v1/services", null, HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> wrong = nubo.api("GET", "/v1/services", "nubo_wrong", HttpRequest.BodyPublishers.noBody());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(none.body()).get("error").get("message").asText()).isEqualTo("missing bearer token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(wrong.body()).get("error").get("hint").asText()).contains("admin.token");
        assertThat(nubo.api("GET", "/v1/services", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody())
                .statusCode()).isEqualTo(200);
    }
}
