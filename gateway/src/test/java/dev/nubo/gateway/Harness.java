package dev.nubo.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway on an ephemeral loopback port plus real upstream instances (Vert.x servers, also on
 * loopback) for tests to route to. Closing it stops everything it started.
 */
final class Harness implements AutoCloseable {

    /** An upstream server standing in for a function instance, counting what reaches it. */
    record Instance(Endpoint endpoint, AtomicInteger requests, AtomicInteger connections, AtomicInteger closedConnections) {}

    /** Native epoll where Netty has it, as the server prefers it. */
    final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    final Gateway gateway;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, ServiceRoute> services = new LinkedHashMap<>();

    Harness() {
        this(c -> c);
    }

    /** A gateway on a free loopback port, with the settings {@code configure} changes. */
    Harness(java.util.function.UnaryOperator<GatewayConfig> configure) {
        gateway = Gateway.start(configure.apply(GatewayConfig.defaults().withHost("127.0.0.1").withPort(0)));
    }

    /** Starts an upstream instance; its handler runs on an event loop, so it must not block. */
    Instance instance(String id, Handler<HttpServerRequest> handler) {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        HttpServer server = vertx.createHttpServer()
                .connectionHandler(c -> {
                    connections.incrementAndGet();
                    c.closeHandler(v -> closed.incrementAndGet());
                })
                .requestHandler(req -> {
                    requests.incrementAndGet();
                    handler.handle(req);
                })
                .listen(0, "127.0.0.1").await();
        return new Instance(new Endpoint(id, "127.0.0.1", server.actualPort()), requests, connections, closed);
    }

    /** An endpoint nothing listens on: connecting to it is refused. */
    static Endpoint refusing(String id) {
        try (ServerSocket socket = new ServerSocket(0)) {
            return new Endpoint(id, "127.0.0.1", socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void route(String service, List<String> paths, Instance... instances) {
        route(service, Duration.ofSeconds(10), 64L << 20, paths, Arrays.stream(instances).map(Instance::endpoint).toArray(Endpoint[]::new));
    }

    /** Adds or replaces one service's route and publishes the whole table. */
    void route(String service, Duration timeout, long maxBodySize, List<String> paths, Endpoint... endpoints) {
        route(ServiceRoute.single(service, service + "-r1", timeout, maxBodySize, paths, List.of(endpoints)));
    }

    /** Adds or replaces one service's route and publishes the whole table. */
    void route(ServiceRoute route) {
        services.put(route.service(), route);
        gateway.routes(new RouteTable(services));
    }

    /** A request to the gateway with the given Host header (which may name a service). */
    HttpRequest.Builder request(String host, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery))
                .header("Host", host)
                .timeout(Duration.ofSeconds(20));
    }

    HttpResponse<String> get(String host, String pathAndQuery) {
        return send(request(host, pathAndQuery).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A plain socket to the gateway, for what java.net.http will not send (hop-by-hop headers, aborts). */
    Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    static JsonNode error(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body()).path("error");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();  // first: a client that stopped reading would hold the gateway's connections open
        gateway.close();
        vertx.close().await();
    }
}
