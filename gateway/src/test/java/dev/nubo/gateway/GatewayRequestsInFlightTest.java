package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.HttpServerRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which request an instance serves alone, as the server asks it to attribute the instance's log lines. */
class GatewayRequestsInFlightTest {

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void namesTheOneRequestAnInstanceServesAndNoneWhileItServesTwo() throws Exception {
        BlockingQueue<HttpServerRequest> arrived = new LinkedBlockingQueue<>();
        h.route("hello", List.of(), h.instance("hello-1", arrived::add));
        assertThat(h.gateway.alone("hello-1")).isEmpty();

        CompletableFuture<HttpResponse<String>> first = send("req-1");
        HttpServerRequest one = arrived.poll(30, TimeUnit.SECONDS);
        assertThat(h.gateway.alone("hello-1")).contains("req-1");

        CompletableFuture<HttpResponse<String>> second = send("req-2");
        HttpServerRequest two = arrived.poll(30, TimeUnit.SECONDS);
        assertThat(h.gateway.alone("hello-1")).as("two at once: neither is alone").isEmpty();

        one.response().end("one");
        assertThat(first.get(30, TimeUnit.SECONDS).body()).isEqualTo("one");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.gateway.alone("hello-1").equals(Optional.of("req-2")));

        two.response().end("two");
        assertThat(second.get(30, TimeUnit.SECONDS).body()).isEqualTo("two");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.gateway.alone("hello-1").isEmpty());
        assertThat(h.gateway.alone("nobody")).isEmpty();
    }

    private CompletableFuture<HttpResponse<String>> send(String requestId) {
        return h.http.sendAsync(h.request("hello.localhost", "/").header("X-Request-Id", requestId).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
