package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Resilience;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service's circuit breaker, fallback and outlier ejection over real sockets, against instances
 * that fail on purpose; the breaker's clock moves only when the test moves it.
 */
class GatewayResilienceTest {

    private static final Resilience.Breaker TWO_IN_A_ROW = new Resilience.Breaker(2, 0, 0, Duration.ofSeconds(10), Duration.ofSeconds(30));

    private final Harness h = new Harness();
    private final AtomicLong clock = new AtomicLong(System.nanoTime());

    GatewayResilienceTest() {
        h.gateway.nanoClock = clock::get;
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void opensAfterFailuresAndAnswers503AtOnceNamingTheServiceAndWhyThenAProbeClosesIt() {
        AtomicBoolean down = new AtomicBoolean(true);
        Harness.Instance instance = h.instance("hello-1", req -> req.response().setStatusCode(down.get() ? 503 : 200).end("hi"));
        h.route(route("hello", new Resilience(TWO_IN_A_ROW, Resilience.Fallback.NONE, Resilience.Outliers.NONE), instance));

        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(503);
        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(503);
        HttpResponse<String> refused = h.get("hello.localhost", "/");

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).contains("30");
        JsonNode error = Harness.error(refused);
        assertThat(error.path("code").asText()).isEqualTo("service.circuit_open");
        assertThat(error.path("message").asText()).isEqualTo("hello's circuit breaker is open: 2 requests in a row failed, the last with 503"
                + " from hello-1; requests are answered here until a probe succeeds, in 30s");
        assertThat(instance.requests().get()).isEqualTo(2);
        BreakerFigures open = h.gateway.resilience("hello").orElseThrow().breaker();
        assertThat(open.state()).isEqualTo("open");
        assertThat(open.refusedTotal()).isEqualTo(1);

        down.set(false);
        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);   // the probe

        assertThat(instance.requests().get()).isEqualTo(3);
        assertThat(h.gateway.resilience("hello").orElseThrow().breaker().state()).isEqualTo("closed");
        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void answersWithTheFixedFallbackWhileOpen() {
        Harness.Instance instance = h.instance("hello-1", req -> req.response().setStatusCode(500).end("boom"));
        h.route(route("hello", new Resilience(TWO_IN_A_ROW, new Resilience.Fallback(200, "{\"items\":[]}", "application/json", ""),
                Resilience.Outliers.NONE), instance));
        h.get("hello.localhost", "/");
        h.get("hello.localhost", "/");

        HttpResponse<String> fallback = h.get("hello.localhost", "/");

        assertThat(fallback.statusCode()).isEqualTo(200);
        assertThat(fallback.body()).isEqualTo("{\"items\":[]}");
        assertThat(fallback.headers().firstValue("content-type")).contains("application/json");
        assertThat(fallback.headers().firstValue("nubo-fallback")).contains("circuit-open");
        assertThat(instance.requests().get()).isEqualTo(2);
    }

    @Test
    void sendsRequestsToTheFallbackServiceWhileOpen() {
        Harness.Instance failing = h.instance("hello-1", req -> req.response().setStatusCode(502).end("boom"));
        Harness.Instance spare = h.instance("spare-1", req -> req.response().end("spare answers " + req.path()));
        h.route(route("hello", new Resilience(TWO_IN_A_ROW, new Resilience.Fallback(0, "", "", "spare"), Resilience.Outliers.NONE), failing));
        h.route("spare", List.of(), spare);
        h.get("hello.localhost", "/");
        h.get("hello.localhost", "/");

        HttpResponse<String> r = h.get("hello.localhost", "/orders");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("spare answers /orders");
        assertThat(failing.requests().get()).isEqualTo(2);
    }

    @Test
    void takesAFailingInstanceOutOfPickingWhileAnotherServes() {
        Harness.Instance bad = h.instance("hello-1", req -> req.response().setStatusCode(500).end("boom"));
        Harness.Instance good = h.instance("hello-2", req -> req.response().end("ok"));
        h.route(route("hello", new Resilience(Resilience.Breaker.NONE, Resilience.Fallback.NONE,
                new Resilience.Outliers(2, Duration.ofHours(1))), bad, good));

        for (int i = 0; i < 50 && bad.requests().get() < 2; i++) {
            h.get("hello.localhost", "/");
        }
        for (int i = 0; i < 6; i++) {
            assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        }

        assertThat(bad.requests().get()).isEqualTo(2);
        ResilienceFigures figures = h.gateway.resilience("hello").orElseThrow();
        assertThat(figures.ejected()).extracting(ResilienceFigures.Ejected::instance).containsExactly("hello-1");
        assertThat(figures.ejectionsTotal()).isEqualTo(1);
        assertThat(figures.breaker().state()).isEqualTo("none");
    }

    @Test
    void anInstanceThatRefusesConnectionsIsEjectedEvenThoughAnotherServedTheRequest() {
        Endpoint refusing = Harness.refusing("hello-1");
        Harness.Instance good = h.instance("hello-2", req -> req.response().end("ok"));
        h.route(ServiceRoute.single("hello", List.of(), RevisionRoute.of("hello-r1", Duration.ofSeconds(10), 1 << 20,
                List.of(refusing, good.endpoint()))).withResilience(new Resilience(Resilience.Breaker.NONE, Resilience.Fallback.NONE,
                new Resilience.Outliers(1, Duration.ofHours(1)))));

        for (int i = 0; i < 20 && h.gateway.resilience("hello").orElseThrow().ejectionsTotal() == 0; i++) {
            assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        }

        assertThat(h.gateway.resilience("hello").orElseThrow().ejected()).extracting(ResilienceFigures.Ejected::instance)
                .containsExactly("hello-1");
    }

    @Test
    void neverEjectsTheLastInstance() {
        Harness.Instance bad = h.instance("hello-1", req -> req.response().setStatusCode(500).end("boom"));
        h.route(route("hello", new Resilience(Resilience.Breaker.NONE, Resilience.Fallback.NONE,
                new Resilience.Outliers(1, Duration.ofHours(1))), bad));

        for (int i = 0; i < 3; i++) {
            assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(500);
        }

        assertThat(bad.requests().get()).isEqualTo(3);
        assertThat(h.gateway.resilience("hello").orElseThrow().ejected()).isEmpty();
    }

    @Test
    void retriesAnIdempotentRequestOnAnotherInstanceWithinTheBudget() {
        Harness.Instance bad = h.instance("hello-1", req -> req.response().setStatusCode(503).end("busy"));
        Harness.Instance good = h.instance("hello-2", req -> req.response().end("ok from 2"));
        h.route(route("hello", new Resilience(Resilience.Breaker.NONE, Resilience.Fallback.NONE, Resilience.Outliers.NONE,
                new Resilience.Retries(1)), bad, good));

        // A budget of 1% of a handful of requests is the floor: 3 retries; picking sends nearly every request to hello-1 first.
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 10 && bad.requests().get() < 4; i++) {
            statuses.add(h.get("hello.localhost", "/").statusCode());
        }

        assertThat(bad.requests().get()).isEqualTo(4);
        assertThat(statuses).containsOnly(200, 503);
        assertThat(statuses.stream().filter(c -> c == 503).count()).isEqualTo(1);   // the fourth, over the budget
        assertThat(statuses.getLast()).isEqualTo(503);
        ResilienceFigures figures = h.gateway.resilience("hello").orElseThrow();
        assertThat(figures.retries()).isEqualTo(3);
        assertThat(figures.retriesOverBudget()).isEqualTo(1);
    }

    @Test
    void retriesAPostOnlyWithAnIdempotencyKey() {
        Harness.Instance bad = h.instance("hello-1", req -> req.response().setStatusCode(502).end("broken"));
        Harness.Instance good = h.instance("hello-2", req -> req.response().end("ok from 2"));
        h.route(route("hello", new Resilience(Resilience.Breaker.NONE, Resilience.Fallback.NONE, Resilience.Outliers.NONE,
                new Resilience.Retries(100)), bad, good));

        HttpResponse<String> plain = null;
        for (int i = 0; i < 10 && bad.requests().get() < 1; i++) {
            plain = h.send(h.request("hello.localhost", "/").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        }
        assertThat(plain.statusCode()).isEqualTo(502);
        assertThat(plain.body()).isEqualTo("broken");

        HttpResponse<String> keyed = null;
        for (int i = 0; i < 10 && bad.requests().get() < 2; i++) {
            keyed = h.send(h.request("hello.localhost", "/").header("Idempotency-Key", "k" + i)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        }
        assertThat(bad.requests().get()).isEqualTo(2);
        assertThat(keyed.statusCode()).isEqualTo(200);
        assertThat(keyed.body()).isEqualTo("ok from 2");
        assertThat(h.gateway.resilience("hello").orElseThrow().retries()).isEqualTo(1);
    }

    private static ServiceRoute route(String service, Resilience resilience, Harness.Instance... instances) {
        return ServiceRoute.single(service, List.of(), RevisionRoute.of(service + "-r1", Duration.ofSeconds(10), 1 << 20,
                java.util.Arrays.stream(instances).map(Harness.Instance::endpoint).toList())).withResilience(resilience);
    }
}
