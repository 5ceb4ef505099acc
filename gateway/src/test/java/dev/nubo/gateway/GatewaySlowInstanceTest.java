package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instances that do not take connections as fast as the gateway offers them: one that serves one
 * request at a time behind a short listen backlog (Python's {@code http.server}), one that refuses
 * until it listens. No request that has not gone out may fail for it. Real sockets, real backlogs.
 */
class GatewaySlowInstanceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Harness h = new Harness();
    private final List<AutoCloseable> upstreams = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        h.close();
        for (AutoCloseable upstream : upstreams) {
            upstream.close();
        }
    }

    private static RevisionRoute revision(String id, Duration timeout, Endpoint... endpoints) {
        return new RevisionRoute(id, timeout, 1 << 20, 0, 1000, timeout, List.of(endpoints));
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String host, String path) {
        return h.http.sendAsync(h.request(host, path).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBurstHeldForAnInstanceThatServesOneAtATimeBehindABacklogOfFiveIsServedWhole() throws Exception {
        RevisionRoute cold = revision("one-r1", Duration.ofSeconds(30));
        h.route(ServiceRoute.single("one", List.of(), cold));
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            burst.add(sendAsync("one.localhost", "/" + i));
        }
        await().atMost(WAIT).until(() -> h.gateway.load("one-r1").waiting() == 60);

        // Ready by its port, but it still takes a moment before it accepts its first connection.
        OneAtATime slow = new OneAtATime(5, Duration.ofMillis(1_500), Duration.ofMillis(20));
        h.route(ServiceRoute.single("one", List.of(), cold.withEndpoints(List.of(slow.endpoint("one-1")))));

        for (int i = 0; i < 60; i++) {
            HttpResponse<String> response = burst.get(i).get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("served /" + i);
        }
        assertThat(slow.served.get()).as("none sent twice").isEqualTo(60);
        await().atMost(WAIT).until(() -> h.gateway.inFlight("one-1") == 0);
        assertThat(h.gateway.load("one-r1").waiting()).isZero();
    }

    @Test
    void aRequestToAnInstanceThatRefusesWaitsUntilItListens() throws Exception {
        Endpoint notYet = Harness.refusing("late-1");
        h.route(ServiceRoute.single("late", List.of(), revision("late-r1", Duration.ofSeconds(10), notYet)));

        CompletableFuture<HttpResponse<String>> pending = sendAsync("late.localhost", "/");
        await().atMost(WAIT).until(() -> h.gateway.load("late-r1").waiting() == 1);  // refused, and back in the queue
        h.vertx.createHttpServer().requestHandler(req -> req.response().end("at last"))
                .listen(notYet.port(), notYet.host()).await();

        HttpResponse<String> response = pending.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("at last");
        await().atMost(WAIT).until(() -> h.gateway.inFlight("late-1") == 0);
    }

    @Test
    void answers503NamingTheRefusalWhenNoInstanceTakesTheRequestWithinItsWait() {
        h.route("hello", Duration.ofMillis(500), 1024, List.of(), Harness.refusing("dead-1"), Harness.refusing("dead-2"));

        HttpResponse<String> response = h.get("hello.localhost", "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).contains("1");
        JsonNode error = Harness.error(response);
        assertThat(error.path("code").asText()).isEqualTo("service.unavailable");
        assertThat(error.path("message").asText())
                .startsWith("no instance of hello-r1 had room within 500ms; the last one tried, dead-")
                .contains(" did not take the connection: ")
                .containsIgnoringCase("connection refused");
        assertThat(h.gateway.inFlight("dead-1") + h.gateway.inFlight("dead-2")).isZero();
        assertThat(h.gateway.load("hello-r1").waiting()).isZero();
    }

    /**
     * Serves one request at a time, as Python's {@code http.server.HTTPServer} does: accept, read,
     * answer ({@code HTTP/1.0}, then close), accept the next. Connections beyond the listen backlog
     * are not accepted by the kernel until there is room; it starts accepting after {@code startDelay}.
     */
    private final class OneAtATime implements AutoCloseable {
        final AtomicInteger served = new AtomicInteger();
        private final ServerSocket socket;
        private final Thread thread;

        OneAtATime(int backlog, Duration startDelay, Duration perRequest) throws IOException {
            socket = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
            upstreams.add(this);
            thread = Thread.ofPlatform().daemon().start(() -> serve(startDelay, perRequest));
        }

        Endpoint endpoint(String id) {
            return new Endpoint(id, "127.0.0.1", socket.getLocalPort());
        }

        private void serve(Duration startDelay, Duration perRequest) {
            try {
                Thread.sleep(startDelay);
                while (!socket.isClosed()) {
                    Socket connection = socket.accept();
                    try (connection) {
                        String path = requestPath(connection.getInputStream());
                        Thread.sleep(perRequest);
                        byte[] body = ("served " + path).getBytes(StandardCharsets.UTF_8);
                        connection.getOutputStream().write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        connection.getOutputStream().write(body);
                        served.incrementAndGet();
                    } catch (IOException e) {
                        // the gateway gave up on this connection; serve the next, as http.server does
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closed: the test is over
            }
        }

        private static String requestPath(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the gateway closed before sending a whole request head");
                }
                head.append((char) b);
            }
            return head.toString().split(" ")[1];
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }
}
