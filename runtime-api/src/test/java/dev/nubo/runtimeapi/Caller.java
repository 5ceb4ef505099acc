package dev.nubo.runtimeapi;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** HTTP over real sockets, as the gateway (on the invocation port) and a runtime (on the Runtime API) speak it. */
final class Caller {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Caller() {}

    /**
     * One direct invocation, as {@code nubo invoke} sends it through the gateway ({@code Nubo-Event: direct}):
     * {@code POST /} on the invocation port with a JSON event and an {@code X-Request-Id}.
     */
    static CompletableFuture<HttpResponse<String>> invoke(RuntimeApiBridge bridge, String requestId, String event,
            String... headers) {
        return request(bridge, "/", requestId, event, "Nubo-Event", "direct", headers);
    }

    /** A plain HTTP request to the function's URL, which the runtime gets as API Gateway's HTTP event. */
    static CompletableFuture<HttpResponse<String>> plain(RuntimeApiBridge bridge, String path, String requestId, String body,
            String... headers) {
        return request(bridge, path, requestId, body, "X-Forwarded-For", "10.0.0.7", headers);
    }

    private static CompletableFuture<HttpResponse<String>> request(RuntimeApiBridge bridge, String path, String requestId,
            String event, String name, String value, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.invocationPort() + path))
                .header(name, value)
                .header("X-Request-Id", requestId)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.sendAsync(request.build(), BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }

    /** Whether something accepts TCP connections on the port: the platform's readiness probe. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static <T> T answer(CompletableFuture<T> future) {
        try {
            return future.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer within 20 s", e);
        }
    }
}
