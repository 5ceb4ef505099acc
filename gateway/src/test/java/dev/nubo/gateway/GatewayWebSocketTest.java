package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WebSocket through the gateway: a real java.net.http client, a Vert.x WebSocket server as the instance. */
class GatewayWebSocketTest {

    private Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    /** Collects text messages as they arrive. */
    static final class Listener implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Throwable> failed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            messages.add(data.toString());
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            failed.complete(error);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    private Harness.Instance echo(String id) {
        return h.instance(id, req -> req.toWebSocket().onSuccess(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text))));
    }

    private CompletableFuture<WebSocket> open(Listener listener) {
        return h.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + h.gateway.port() + "/ws/chat"), listener);
    }

    @Test
    void relaysWebSocketMessagesBothWaysAndCountsTheSocketInFlightUntilItCloses() throws Exception {
        h.route("ws", List.of("/ws"), echo("ws-1"));
        Listener listener = new Listener();

        WebSocket socket = open(listener).get(10, TimeUnit.SECONDS);
        socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        socket.sendText("x".repeat(200_000), true).get(5, TimeUnit.SECONDS);

        assertThat(listener.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo hello");
        StringBuilder big = new StringBuilder();
        while (big.length() < 200_005) {
            big.append(listener.messages.poll(5, TimeUnit.SECONDS));
        }
        assertThat(big.toString()).isEqualTo("echo " + "x".repeat(200_000));
        assertThat(h.gateway.inFlight("ws-1")).as("an open socket is a request in flight").isEqualTo(1);

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.inFlight("ws-1") == 0);
        assertThat(h.get("localhost", "/ws/after").statusCode()).as("plain HTTP still served").isEqualTo(400);
    }

    @Test
    void holdsMoreSocketsToAnInstanceThanItsKeepAlivePoolHasConnections() throws Exception {
        h.close();
        h = new Harness(c -> c.withMaxConnectionsPerEndpoint(1));
        // scale.limit set, as an app holding many sockets sets it: else the learned limit stops at the pool's size
        h.route(ServiceRoute.single("ws", List.of("/ws"), new RevisionRoute("ws-r1", Duration.ofSeconds(10), 1 << 20, 100, 1000,
                Duration.ofSeconds(10), List.of(echo("ws-1").endpoint()))));
        int sockets = Runtime.getRuntime().availableProcessors() + 1;  // one loop per core: some loop gets two
        List<Listener> listeners = new ArrayList<>();
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            Listener listener = new Listener();
            listeners.add(listener);
            open.add(open(listener).get(30, TimeUnit.SECONDS));
        }
        for (int i = 0; i < sockets; i++) {
            open.get(i).sendText("socket " + i, true).get(5, TimeUnit.SECONDS);
            assertThat(listeners.get(i).messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo socket " + i);
        }
        assertThat(h.gateway.inFlight("ws-1")).isEqualTo(sockets);
        assertThat(h.get("localhost", "/ws/plain").statusCode()).as("a plain request still gets a pooled connection").isEqualTo(400);
        open.forEach(WebSocket::abort);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.gateway.inFlight("ws-1") == 0);
    }

    @Test
    void holdsAnUpgradeWhileTheServiceIsAtZero() throws Exception {
        h.route(ServiceRoute.single("ws", "ws-r1", Duration.ofSeconds(10), 1 << 20, List.of("/ws"), List.of()));
        Listener listener = new Listener();

        CompletableFuture<WebSocket> opening = open(listener);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.load("ws-r1").waiting() == 1);
        h.route("ws", List.of("/ws"), echo("ws-1"));
        WebSocket socket = opening.get(10, TimeUnit.SECONDS);
        socket.sendText("from zero", true).get(5, TimeUnit.SECONDS);

        assertThat(listener.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo from zero");
        socket.abort();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.inFlight("ws-1") == 0);
    }

    @Test
    void closesASocketThatCarriesNothingForTheIdleTimeout() throws Exception {
        h.close();
        h = new Harness(c -> c.withTunnelIdleTimeout(Duration.ofMillis(400)));
        h.route("ws", List.of("/ws"), echo("ws-1"));
        Listener listener = new Listener();
        WebSocket socket = open(listener).get(10, TimeUnit.SECONDS);
        socket.sendText("still here", true).get(5, TimeUnit.SECONDS);
        assertThat(listener.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo still here");

        assertThat(CompletableFuture.anyOf(listener.closed, listener.failed).get(10, TimeUnit.SECONDS))
                .as("the connection ends without a word from either side").isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.gateway.inFlight("ws-1") == 0);
    }
}
