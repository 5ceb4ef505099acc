package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the gateway tells its {@link Tracer} of each exchange, over real sockets. */
class GatewayTracerTest {

    private final Harness h = new Harness();
    private final LinkedBlockingQueue<ExchangeTrace> traces = new LinkedBlockingQueue<>();

    GatewayTracerTest() {
        h.gateway.tracer(traces::add);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private ExchangeTrace next() throws InterruptedException {
        ExchangeTrace trace = traces.poll(30, TimeUnit.SECONDS);
        assertThat(trace).as("the exchange's trace within 30s").isNotNull();
        return trace;
    }

    @Test
    void tellsTheTraceparentTheInstanceGotAndWhenTheCallToItBegan() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        h.route("hello", List.of(), h.instance("hello-1", req -> {
            seen.set(req.getHeader("traceparent"));
            req.response().setStatusCode(201).end();
        }));
        String caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        h.send(h.request("hello.localhost", "/orders?x=1").header("traceparent", caller).header("X-Request-Id", "r-1").build());

        ExchangeTrace trace = next();
        assertThat(trace.callerTraceparent()).isEqualTo(caller);
        assertThat(trace.upstreamTraceparent()).isEqualTo(seen.get()).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
        assertThat(List.of(trace.method(), trace.path(), trace.service(), trace.revision(), trace.instance(), trace.requestId()))
                .containsExactly("GET", "/orders", "hello", "hello-r1", "hello-1", "r-1");
        assertThat(trace.status()).isEqualTo(201);
        assertThat(trace.heldNanos()).as("never held").isZero();
        assertThat(trace.callNanos()).isBetween(trace.receivedNanos(), trace.endNanos());
    }

    @Test
    void aRequestHeldWhileItsRevisionIsAtZeroIsAColdHold() throws Exception {
        RevisionRoute cold = new RevisionRoute("hello-1", Duration.ofSeconds(10), 1 << 20, 0, 10, Duration.ofSeconds(30), List.of());
        h.route(ServiceRoute.single("hello", List.of(), cold));
        CompletableFuture<HttpResponse<String>> pending = h.http.sendAsync(h.request("hello.localhost", "/").build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (h.gateway.load("hello-1").waiting() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);  // awaiting the condition itself: the request is queued
        }
        Harness.Instance ready = h.instance("hello-1-a", req -> req.response().end("up"));
        h.route(ServiceRoute.single("hello", List.of(), cold.withEndpoints(List.of(ready.endpoint()))));

        assertThat(pending.get(30, TimeUnit.SECONDS).body()).isEqualTo("up");
        ExchangeTrace trace = next();
        assertThat(trace.cold()).isTrue();
        assertThat(trace.heldNanos()).isBetween(trace.receivedNanos(), trace.heldUntilNanos());
        assertThat(trace.heldUntilNanos()).isBetween(trace.heldNanos(), trace.callNanos());
        assertThat(trace.callerTraceparent()).as("the caller sent none").isEmpty();
        assertThat(trace.upstreamTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void anUnroutedRequestIsToldWithoutServiceOrInstance() throws Exception {
        HttpResponse<String> response = h.send(h.request("nobody.localhost", "/").build());

        ExchangeTrace trace = next();
        assertThat(trace.status()).isEqualTo(response.statusCode()).isEqualTo(404);
        assertThat(List.of(trace.service(), trace.revision(), trace.instance(), trace.upstreamTraceparent())).containsOnly("");
        assertThat(trace.callNanos()).isZero();
    }
}
