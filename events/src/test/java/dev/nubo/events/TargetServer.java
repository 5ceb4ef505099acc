package dev.nubo.events;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A real HTTP server on a loopback port standing where the gateway would be: it records every request
 * (Host, path, headers, body) and answers as the test says, so deliveries cross a real socket.
 */
final class TargetServer implements AutoCloseable {

    record Received(String host, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {
        static Answer ok() {
            return new Answer(202, Map.of(), "");
        }

        static Answer status(int status) {
            return new Answer(status, Map.of(), "");
        }
    }

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final List<Received> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;
    volatile Function<Received, Answer> answer = r -> Answer.ok();

    TargetServer(Vertx vertx) {
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Map<String, String> headers = new java.util.HashMap<>();
            request.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            Received r = new Received(request.getHeader("Host"), request.uri(), headers, body.getBytes());
            all.add(r);
            received.add(r);
            Answer a = answer.apply(r);
            var response = request.response().setStatusCode(a.status());
            a.headers().forEach(response::putHeader);
            response.end(a.body());
        });
    }

    Received next() throws InterruptedException {
        Received r = received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("nothing was delivered within 10 s");
        }
        return r;
    }

    @Override
    public void close() {
        server.close().await();
    }
}
