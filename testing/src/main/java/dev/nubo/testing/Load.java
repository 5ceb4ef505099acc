package dev.nubo.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady request load through the gateway, for tests that change things under traffic: {@code rate}
 * requests per second spread over {@code connections} callers, each on its own keep-alive
 * connection, until {@link #stop()} (or a hard cap of {@code maxDuration}, so a forgotten load never
 * runs on). Counts every answer by status and body, and every failure with its cause.
 *
 * <pre>{@code
 * try (Load load = Load.start(nubo, "shop", "/", 200, 16, Duration.ofMinutes(2))) {
 *     ... redeploy ...
 *     Load.Result r = load.stop();
 *     assertThat(r.failures()).isEmpty();
 * }
 * }</pre>
 */
public final class Load implements AutoCloseable {

    /** What the load saw: answers by status, bodies seen, and every request that did not get a 200. */
    public record Result(long sent, Map<Integer, Long> byStatus, Map<String, Long> byBody, List<String> failures) {
        public long ok() {
            return byStatus.getOrDefault(200, 0L);
        }
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> callers = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byBody = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    private Load() {}

    public static Load start(TestNubo nubo, String service, String path, int rate, int connections, Duration maxDuration) {
        Load load = new Load();
        URI uri = URI.create(nubo.server().gatewayUrl() + path);
        String host = service + "." + nubo.server().domain();
        long periodNanos = Duration.ofSeconds(1).toNanos() * connections / rate;
        long stopAt = System.nanoTime() + maxDuration.toNanos();
        for (int c = 0; c < connections; c++) {
            long offset = periodNanos * c / connections;
            load.callers.add(Thread.ofPlatform().name("load-" + c).start(() -> load.call(uri, host, periodNanos, offset, stopAt)));
        }
        return load;
    }

    private void call(URI uri, String host, long periodNanos, long offsetNanos, long stopAt) {
        // One client per caller: its own connection, kept alive, like one browser or one service.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(uri).header("Host", host).timeout(Duration.ofSeconds(30)).build();
            long next = System.nanoTime() + offsetNanos;
            while (running.get() && System.nanoTime() < stopAt) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                next += periodNanos;
                sent.incrementAndGet();
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    byStatus.computeIfAbsent(response.statusCode(), s -> new LongAdder()).increment();
                    if (response.statusCode() == 200) {
                        byBody.computeIfAbsent(response.body(), s -> new LongAdder()).increment();
                    } else {
                        failures.add(response.statusCode() + " " + response.body());
                    }
                } catch (Exception e) {
                    failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Stops sending, waits for answers in flight, and returns what was seen. */
    public Result stop() {
        running.set(false);
        for (Thread t : callers) {
            try {
                t.join(Duration.ofSeconds(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<Integer, Long> statuses = new java.util.TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(k, v.sum()));
        Map<String, Long> bodies = new java.util.TreeMap<>();
        byBody.forEach((k, v) -> bodies.put(k, v.sum()));
        return new Result(sent.get(), statuses, bodies, List.copyOf(failures));
    }

    @Override
    public void close() {
        running.set(false);
    }
}
