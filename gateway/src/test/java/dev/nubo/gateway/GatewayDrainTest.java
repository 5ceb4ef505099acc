package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.HttpServerRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idle signal a drain waits on: it completes when the last request in flight to an instance ends, not before. */
class GatewayDrainTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Harness h = new Harness();
    /** Requests the slow instance has received and not answered yet; the test answers them. */
    private final BlockingQueue<HttpServerRequest> unanswered = new LinkedBlockingQueue<>();

    @AfterEach
    void close() {
        h.close();
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return h.http.sendAsync(h.request("shop.localhost", path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void answerOne() throws InterruptedException {
        HttpServerRequest request = unanswered.poll(10, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the instance").isNotNull();
        request.response().end("old " + request.path());
    }

    @Test
    void completesWhenTheLastRequestInFlightEndsAfterTheInstanceLeftTheTable() throws Exception {
        Harness.Instance old = h.instance("shop-1-old", unanswered::add);
        Harness.Instance next = h.instance("shop-2-new", req -> req.response().end("new"));
        h.route("shop", List.of(), old);
        CompletableFuture<HttpResponse<String>> first = sendAsync("/a");
        CompletableFuture<HttpResponse<String>> second = sendAsync("/b");
        await().atMost(WAIT).until(() -> h.gateway.inFlight("shop-1-old") == 2);

        h.route("shop", List.of(), next);
        CompletableFuture<Void> idle = h.gateway.whenIdle("shop-1-old");

        assertThat(h.get("shop.localhost", "/").body()).as("new requests go to the new table").isEqualTo("new");
        assertThat(idle).as("two requests are still in flight").isNotDone();
        answerOne();
        await().atMost(WAIT).until(() -> h.gateway.inFlight("shop-1-old") == 1);
        assertThat(idle).as("one request is still in flight").isNotDone();
        answerOne();
        idle.get(10, TimeUnit.SECONDS);
        assertThat(h.gateway.inFlight("shop-1-old")).isZero();
        assertThat(first.get().body()).isEqualTo("old /a");
        assertThat(second.get().body()).isEqualTo("old /b");
    }

    @Test
    void completesAtOnceForAnInstanceWithNothingInFlightOrNeverSeen() {
        Harness.Instance quiet = h.instance("shop-1-quiet", req -> req.response().end("ok"));
        h.route("shop", List.of(), quiet);
        assertThat(h.get("shop.localhost", "/").statusCode()).isEqualTo(200);

        assertThat(h.gateway.whenIdle("shop-1-quiet")).isDone();
        assertThat(h.gateway.whenIdle("never-routed")).isDone();
    }

    @Test
    void aClaimedSlotKeepsTheInstanceBusyUntilItIsReleased() throws Exception {
        Harness.Instance one = h.instance("shop-1-a", req -> req.response().end("ok"));
        h.route("shop", List.of(), one);
        Gateway.Claim claim = h.gateway.claim("shop", 0).orElseThrow();

        CompletableFuture<Void> idle = h.gateway.whenIdle("shop-1-a");

        assertThat(idle).isNotDone();
        claim.release();
        idle.get(10, TimeUnit.SECONDS);
        assertThat(h.gateway.whenIdle("shop-1-a")).as("a later wait on an idle instance").isDone();
    }
}
