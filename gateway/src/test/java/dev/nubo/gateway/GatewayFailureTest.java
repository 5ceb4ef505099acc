package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void answers504WhenTheInstanceIsSlowToAnswerAndDropsItsConnection() {
        Harness.Instance slow = h.instance("slow-1", req -> h.vertx.setTimer(3_000, t -> req.response().end("late")));
        h.route("hello", Duration.ofMillis(300), 1024, List.of(), slow.endpoint());

        long start = System.nanoTime();
        HttpResponse<String> response = h.get("hello.localhost", "/");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode error = Harness.error(response);
        assertThat(error.path("code").asText()).isEqualTo("gateway.timeout");
        assertThat(error.path("message").asText()).isEqualTo("hello did not answer within 300ms");
        assertThat(error.path("hint").asText()).isEqualTo("raise `timeout` in nubo.yaml or make hello answer sooner");
        assertThat(h.gateway.inFlight("slow-1")).isZero();
        await().atMost(WAIT).until(() -> slow.closedConnections().get() == 1);
    }

    @Test
    void letsAStreamRunPastTheTimeoutOnceTheAnswerHasStarted() {
        h.route("events", Duration.ofMillis(200), 1024, List.of(), h.instance("events-1", req -> {
            req.response().setChunked(true).write("data: one\n\n");
            h.vertx.setTimer(700, t -> req.response().end("data: two\n\n"));
        }).endpoint());

        HttpResponse<String> response = h.get("events.localhost", "/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("data: one\n\ndata: two\n\n");
    }

    @Test
    void refusesADeclaredOversizeBodyWithoutCallingTheInstance() {
        Harness.Instance hello = h.instance("hello-1", req -> req.response().end("ok"));
        h.route("hello", Duration.ofSeconds(5), 1024, List.of(), hello.endpoint());

        HttpResponse<String> response = h.send(h.request("hello.localhost", "/")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build());

        assertThat(response.statusCode()).isEqualTo(413);
        JsonNode error = Harness.error(response);
        assertThat(error.path("code").asText()).isEqualTo("request.too_large");
        assertThat(error.path("message").asText()).isEqualTo("request body of 2Ki is over hello's limit of 1Ki");
        assertThat(error.path("hint").asText()).isEqualTo("raise `maxBodySize` in nubo.yaml or send a smaller body");
        assertThat(hello.requests().get()).isZero();
    }

    @Test
    void cutsAChunkedBodyThatGrowsPastTheLimit() throws Exception {
        AtomicBoolean upstreamSawWholeBody = new AtomicBoolean();
        Harness.Instance hello = h.instance("hello-1", req -> req.body().onSuccess(b -> {
            upstreamSawWholeBody.set(true);
            req.response().end("got " + b.length());
        }));
        h.route("hello", Duration.ofSeconds(5), 1024, List.of(), hello.endpoint());

        RawHttp.Response response;
        try (Socket socket = h.socket()) {
            OutputStream out = socket.getOutputStream();
            RawHttp.write(out, "POST / HTTP/1.1\r\nHost: hello.localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "200\r\n" + "x".repeat(512) + "\r\n";
            try {
                for (int i = 0; i < 4; i++) {
                    RawHttp.write(out, chunk);
                    Thread.sleep(50);
                }
                RawHttp.write(out, "0\r\n\r\n");
            } catch (IOException closedOnUs) {
                // the gateway may close before we finish; what it answered is still readable
            }
            response = RawHttp.read(socket.getInputStream());
            assertThat(socket.getInputStream().read()).as("connection closed after the answer").isEqualTo(-1);
        }

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(response.body()).contains("\"code\":\"request.too_large\"").contains("hello's limit of 1Ki");
        assertThat(upstreamSawWholeBody).isFalse();
        await().atMost(WAIT).until(() -> h.gateway.inFlight("hello-1") == 0 && hello.closedConnections().get() == 1);
    }

    @Test
    void sendsARefusedRequestToAnotherInstance() {
        Harness.Instance live = h.instance("live-1", req -> req.response().end("live"));
        h.route("hello", Duration.ofSeconds(5), 1024, List.of(), Harness.refusing("dead-1"), live.endpoint());

        for (int i = 0; i < 6; i++) {
            assertThat(h.get("hello.localhost", "/").body()).isEqualTo("live");
        }

        assertThat(live.requests().get()).isEqualTo(6);
        assertThat(h.gateway.inFlight("dead-1")).isZero();
        // A sized answer is complete for the caller with its last byte, a moment before the exchange ends.
        await().atMost(WAIT).until(() -> h.gateway.inFlight("live-1") == 0);
    }

    @Test
    void neverSendsARequestTwiceOnceItWentOut() {
        AtomicInteger received = new AtomicInteger();
        Harness.Instance a = h.instance("a", req -> { received.incrementAndGet(); req.connection().close(); });
        Harness.Instance b = h.instance("b", req -> { received.incrementAndGet(); req.connection().close(); });
        h.route("hello", Duration.ofSeconds(5), 1024, List.of(), a.endpoint(), b.endpoint());

        HttpResponse<String> response = h.send(h.request("hello.localhost", "/").POST(HttpRequest.BodyPublishers.ofString("charge card")).build());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Harness.error(response).path("message").asText()).startsWith("hello failed before answering: ");
        assertThat(received.get()).isEqualTo(1);
        assertThat(h.gateway.inFlight("a") + h.gateway.inFlight("b")).isZero();
    }

    @Test
    void releasesTheInstanceAndDropsItsConnectionWhenTheCallerHangsUp() throws Exception {
        Harness.Instance hold = h.instance("hold-1", req -> { });
        h.route("hello", List.of(), hold);

        try (Socket socket = h.socket()) {
            RawHttp.write(socket.getOutputStream(), "GET / HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            await().atMost(WAIT).until(() -> h.gateway.inFlight("hold-1") == 1);
        }

        await().atMost(WAIT).until(() -> h.gateway.inFlight("hold-1") == 0);
        await().atMost(WAIT).until(() -> hold.closedConnections().get() == 1);
    }

    @Test
    void cutsTheCallerOffWhenTheInstanceBreaksOffMidAnswer() throws Exception {
        h.route("hello", List.of(), h.instance("hello-1", req -> {
            req.response().setChunked(true).write("partial");
            h.vertx.setTimer(100, t -> req.connection().close());
        }));

        try (Socket socket = h.socket()) {
            RawHttp.write(socket.getOutputStream(), "GET / HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            assertThatThrownBy(() -> RawHttp.read(socket.getInputStream()))
                    .isInstanceOf(IOException.class).hasMessageContaining("connection closed");
        }
        await().atMost(WAIT).until(() -> h.gateway.inFlight("hello-1") == 0);
    }

    @Test
    void keepsThePoolCleanWhenAnInstanceAnswersBeforeReadingTheBody() throws Exception {
        Harness.Instance early = h.instance("early-1", req -> req.response().end("early"));
        h.route("hello", List.of(), early);

        try (Socket socket = h.socket()) {
            OutputStream out = socket.getOutputStream();
            RawHttp.write(out, "POST / HTTP/1.1\r\nHost: hello.localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            RawHttp.Response response = RawHttp.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("early");
            Thread.sleep(200);
            RawHttp.write(out, "6\r\nsecond\r\n0\r\n\r\n");
        }

        // Had the half-sent connection gone back to the pool, this request would be read as the rest of that body.
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> next = h.get("hello.localhost", "/");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("early");
        }
        await().atMost(WAIT).until(() -> h.gateway.inFlight("early-1") == 0);
    }

    @Test
    void keepsTheConnectionUsableAfterItsOwnErrors() throws Exception {
        h.route(ServiceRoute.single("empty", List.of(),
                new RevisionRoute("empty-1", Duration.ofSeconds(5), 1024, 0, 0, Duration.ZERO, List.of())));
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("hi")));

        try (Socket socket = h.socket()) {
            OutputStream out = socket.getOutputStream();
            RawHttp.write(out, "GET / HTTP/1.1\r\nHost: nothing.localhost\r\n\r\n");
            assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(404);
            RawHttp.write(out, "GET / HTTP/1.1\r\nHost: empty.localhost\r\n\r\n");
            assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(503);
            RawHttp.write(out, "GET / HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            RawHttp.Response ok = RawHttp.read(socket.getInputStream());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("hi");
        }
    }

    @Test
    void answersMalformedRequestsWithJson() throws Exception {
        try (Socket socket = h.socket()) {
            RawHttp.write(socket.getOutputStream(), "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response response = RawHttp.read(socket.getInputStream());

            assertThat(response.status()).isEqualTo(414);
            assertThat(response.header("content-type")).isEqualTo("application/json");
            assertThat(response.body()).contains("\"code\":\"request.malformed\"");
        }
    }

    @Test
    void explainsAPortThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            GatewayConfig config = GatewayConfig.defaults().withHost("127.0.0.1").withPort(taken.getLocalPort());

            assertThatThrownBy(() -> Gateway.start(config))
                    .isInstanceOf(UserError.class)
                    .hasMessage("port " + taken.getLocalPort() + " is in use; pass --http-port to choose another");
        }
    }
}
