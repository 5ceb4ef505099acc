package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Callers that hold connections without using them: slow heads, idle keep-alives, stopped readers, floods. */
class GatewayConnectionsTest {

    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HEAD = "GET / HTTP/1.1\r\nHost: hello.localhost\r\n";

    private Harness h;

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void cutsACallerThatSendsItsHeadSlowerThanTheHeaderTimeout() throws IOException {
        h = new Harness(c -> c.withHeaderTimeout(SHORT));
        Harness.Instance hello = h.instance("hello-1", req -> req.response().end("ok"));
        h.route("hello", List.of(), hello);

        try (Socket slowloris = h.socket()) {
            slowloris.setSoTimeout(50);
            RawHttp.write(slowloris.getOutputStream(), HEAD);

            assertThat(dripUntilCut(slowloris, "X-Drip: 1\r\n")).as("cut by the gateway").isTrue();
        }
        assertThat(hello.requests().get()).isZero();
        assertThat(h.get("hello.localhost", "/").body()).as("a head sent at once is served").isEqualTo("ok");
    }

    @Test
    void closesAKeepAliveConnectionThatSendsNoNextRequestWithinTheHeaderTimeout() throws IOException {
        h = new Harness(c -> c.withHeaderTimeout(SHORT));
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("ok")));

        try (Socket idle = h.socket()) {
            RawHttp.write(idle.getOutputStream(), HEAD + "\r\n");
            assertThat(RawHttp.read(idle.getInputStream()).body()).isEqualTo("ok");

            assertThat(idle.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
        }
    }

    @Test
    void cutsACallerThatStopsReadingItsAnswerAfterTheSendTimeout() throws IOException {
        h = new Harness(c -> c.withSendTimeout(SHORT));
        assumeTrue(h.vertx.isNativeTransportEnabled(), "the send timeout is TCP_USER_TIMEOUT, enforced only on epoll");
        Harness.Instance endless = h.instance("endless-1", req -> pump(req.response().setChunked(true), Buffer.buffer(new byte[64 * 1024])));
        h.route("hello", List.of(), endless);

        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", h.gateway.port()));
            RawHttp.write(stalled.getOutputStream(), HEAD + "\r\n");  // and never read

            await().atMost(WAIT).until(() -> endless.closedConnections().get() == 1);
            assertThat(h.gateway.inFlight("endless-1")).isZero();
        }
    }

    @Test
    void refusesConnectionsOverTheCapWhileOpenOnesAndOtherServersAnswer() throws IOException {
        h = new Harness(c -> c.withMaxConnections(2).withHeaderTimeout(Duration.ofMinutes(1)));
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("ok " + req.path())));
        // Another server in the same process, as the control API is: the cap is the gateway's alone.
        Harness.Instance controlApi = h.instance("api", req -> req.response().end("api"));

        try (Socket first = h.socket(); Socket second = h.socket()) {
            RawHttp.write(first.getOutputStream(), "GET /one HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            assertThat(RawHttp.read(first.getInputStream()).body()).isEqualTo("ok /one");

            try (Socket third = h.socket()) {
                assertThat(third.getInputStream().read()).as("the third connection is closed at once").isEqualTo(-1);
            }
            RawHttp.write(first.getOutputStream(), "GET /two HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            assertThat(RawHttp.read(first.getInputStream()).body()).isEqualTo("ok /two");
            assertThat(h.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + controlApi.endpoint().port() + "/")).build()).body()).isEqualTo("api");
        }
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {  // the two closed: room again
            try (Socket next = h.socket()) {
                RawHttp.write(next.getOutputStream(), "GET /three HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
                assertThat(RawHttp.read(next.getInputStream()).body()).isEqualTo("ok /three");
            }
        });
    }

    @Test
    void refusesConnectionsOverTheCapPerAddressWhileOtherAddressesAreServed() throws IOException {
        h = new Harness(c -> c.withMaxConnectionsPerAddress(2).withHeaderTimeout(Duration.ofMinutes(1)));
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("ok " + req.path())));

        try (Socket first = h.socket(); Socket second = h.socket()) {
            RawHttp.write(first.getOutputStream(), "GET /one HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
            assertThat(RawHttp.read(first.getInputStream()).body()).isEqualTo("ok /one");
            try (Socket third = h.socket()) {
                assertThat(third.getInputStream().read()).as("a third from 127.0.0.1 is closed at once").isEqualTo(-1);
            }
            try (Socket other = new Socket()) {  // all of 127/8 is loopback on Linux: another client address
                other.bind(new InetSocketAddress("127.0.0.2", 0));
                other.connect(new InetSocketAddress("127.0.0.1", h.gateway.port()));
                RawHttp.write(other.getOutputStream(), "GET /other HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
                assertThat(RawHttp.read(other.getInputStream()).body()).isEqualTo("ok /other");
            }
        }
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {  // the two closed: room again
            try (Socket next = h.socket()) {
                RawHttp.write(next.getOutputStream(), "GET /three HTTP/1.1\r\nHost: hello.localhost\r\n\r\n");
                assertThat(RawHttp.read(next.getInputStream()).body()).isEqualTo("ok /three");
            }
        });
    }

    /** Writes one header line at a time until the gateway closes the connection; false if it never does. */
    private static boolean dripUntilCut(Socket socket, String line) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            while (System.nanoTime() < deadline) {
                RawHttp.write(out, line);
                try {
                    if (in.read() == -1) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // still open; drip on
                }
            }
            return false;
        } catch (IOException e) {
            return true;  // reset: cut while we wrote
        }
    }

    /** Writes chunks as fast as the gateway takes them, forever. */
    private static void pump(HttpServerResponse response, Buffer chunk) {
        while (!response.writeQueueFull() && !response.closed()) {
            response.write(chunk);
        }
        response.drainHandler(v -> pump(response, chunk));
    }
}
