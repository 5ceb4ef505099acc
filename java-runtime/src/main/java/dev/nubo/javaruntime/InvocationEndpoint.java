package dev.nubo.javaruntime;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Every request on every path is one invocation: read the request, build its context, call the
 * function with the function's class loader as context loader, send what it returned. Whatever the
 * function does (throw, return null, return headers that cannot be sent) becomes a JSON error
 * response and a stderr entry tagged with the request id; nothing it does stops the host, except
 * running far past its deadline (see {@link DeadlineWatch}).
 */
final class InvocationEndpoint implements com.sun.net.httpserver.HttpHandler {

    /** Framing is the server's business: a function's value for these would corrupt the response. */
    private static final Set<String> SERVER_HEADERS = Set.of("content-length", "transfer-encoding", "connection");

    private final UserFunction function;
    private final HostConfig config;
    private final InstantSource clock;
    private final DeadlineWatch deadlines;
    private final AtomicInteger inFlight = new AtomicInteger();

    InvocationEndpoint(UserFunction function, HostConfig config, InstantSource clock) {
        this.function = function;
        this.config = config;
        this.clock = clock;
        this.deadlines = new DeadlineWatch(config.timeout(), config.recycleGrace());
    }

    @Override
    public void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            serve(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Waits until no invocation is running, or for at most {@code limit}. For shutdown: the JDK
     * server's own {@code stop(delay)} can wait out the whole delay when a connection closed without
     * sending a request (a TCP readiness probe) around the time of the stop, so we count ourselves.
     */
    void awaitIdle(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private void serve(HttpExchange exchange) {
        Instant arrival = clock.instant();
        long deadline = System.nanoTime() + config.timeout().toNanos();
        RequestLog log = new RequestLog(requestId(exchange.getRequestHeaders()));
        try (exchange) {
            HttpRequest request = read(exchange);
            var lambda = new InvocationContext.Lambda(arrival, config.instance(), config.memoryMb(), config.region(),
                    XRayTrace.from(request.header("traceparent"), arrival));
            var context = new InvocationContext(log.requestId(), config.service(), config.revision(),
                    arrival.plus(config.timeout()), log, config.functionEnv(), lambda);
            send(exchange, invoke(request, context, deadline), log);
        } catch (IOException e) {
            log.error("nubo: could not read the request or send the response (the client may have gone away): " + e);
        }
    }

    private HttpResponse invoke(HttpRequest request, InvocationContext context, long deadline) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(function.handlerClass().getClassLoader());
        try {
            HttpResponse response;
            DeadlineWatch.Watched watched = deadlines.watch(context.requestId(), deadline);
            try {
                response = function.invoke(request, context);
            } finally {
                watched.close();
            }
            if (response == null) {
                String message = function.handlerClass().getName() + " returned null (return an HttpResponse,"
                        + " e.g. HttpResponse.ok(\"done\"))";
                context.logger().error("nubo: " + message);
                return new ErrorBody("InvalidResponse", message).response(500);
            }
            return response;
        } catch (Throwable thrown) {
            // Throwable, not Exception: a StackOverflowError in one invocation must not end the others.
            context.logger().error(function.handlerClass().getName() + " threw:", HostFrames.strip(thrown));
            return function.failed(thrown, request);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String requestId(Headers headers) {
        String id = headers.getFirst("X-Request-Id");
        return id == null || id.isBlank() ? HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) : id.strip();
    }

    private static HttpRequest read(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.merge(name.toLowerCase(Locale.ROOT),
                List.copyOf(values), (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        return new HttpRequest(exchange.getRequestMethod(), path == null || path.isEmpty() ? "/" : path,
                query == null ? "" : query, headers, body);
    }

    private void send(HttpExchange exchange, HttpResponse response, RequestLog log) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        try {
            copyHeaders(response, headers);
        } catch (RuntimeException e) {
            // Headers rejects names and values it cannot send, e.g. with a line break (header injection).
            String message = function.handlerClass().getName() + " returned headers that cannot be sent: " + e.getMessage();
            log.error("nubo: " + message);
            headers.clear();
            response = new ErrorBody("InvalidResponse", message).response(500);
            copyHeaders(response, headers);
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        // -1 means "no body"; 0 would mean chunked.
        exchange.sendResponseHeaders(response.status(), body.length == 0 || head ? -1 : body.length);
        if (body.length > 0 && !head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void copyHeaders(HttpResponse response, Headers headers) {
        response.headers().forEach((name, values) -> {
            if (!SERVER_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, new ArrayList<>(values));
            }
        });
    }
}
