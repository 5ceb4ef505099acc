package dev.nubo.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A control API on a loopback port that answers with canned replies, and records what it was sent,
 * so the CLI is exercised over real sockets without a real server. A route given several replies
 * serves them in turn and then keeps repeating the last, which is how a polled revision moves from
 * DEPLOYING to READY.
 */
final class CannedApi implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-11-21T12:10:00Z");

    record Reply(int status, String contentType, String body) {
        static Reply json(String body) {
            return new Reply(200, "application/json", body);
        }

        static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }
    }

    record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse("");
        }
    }

    /** What one run of the CLI printed and returned. */
    record Run(int exit, String out, String err) {}

    private final HttpServer server;
    private final Map<String, Deque<Reply>> routes = new ConcurrentHashMap<>();
    final List<Received> received = new CopyOnWriteArrayList<>();

    CannedApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers {@code method path} (path without query) with these replies in turn, then the last forever. */
    CannedApi on(String method, String path, Reply... replies) {
        routes.put(method + " " + path, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Optional<Received> last(String method, String path) {
        return received.reversed().stream()
                .filter(r -> r.method().equals(method) && r.path().equals(path)).findFirst();
    }

    /** The environment of a user whose NUBO_SERVER and NUBO_TOKEN point here. */
    Env env(Path home) {
        return new Env(Map.of("NUBO_SERVER", url(), "NUBO_TOKEN", "s3cret"), home, false,
                InstantSource.fixed(NOW), new ByteArrayInputStream(new byte[0]));
    }

    static Run run(Env env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var nubo = Cli.standalone(env);
        nubo.setOut(new PrintWriter(out, true));
        nubo.setErr(new PrintWriter(err, true));
        int exit = nubo.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), path, query,
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Deque<Reply> replies = routes.get(exchange.getRequestMethod() + " " + path);
            Reply reply = replies == null
                    ? Reply.json(404, "{\"error\":{\"code\":\"test.no_route\",\"message\":\"no canned reply for "
                            + exchange.getRequestMethod() + " " + path + "\",\"hint\":\"\"}}")
                    : replies.size() > 1 ? replies.poll() : replies.peek();
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            if (reply.status() >= 400 && reply.contentType().equals("application/json") && reply.body().startsWith("{\"error\"")) {
                exchange.getResponseHeaders().set("X-Nubo-Error", "true"); // as the real API marks its own errors
            }
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
