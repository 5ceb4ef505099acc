package dev.nubo.apis;

import com.sun.net.httpserver.HttpServer;
import dev.nubo.gateway.FrontDoor;
import dev.nubo.gateway.Gateway;
import dev.nubo.gateway.GatewayConfig;
import dev.nubo.gateway.RouteTable;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.gateway.Endpoint;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a probe of CPU per request, run by {@code bench/api-features.sh} ({@code -Dprobe=true}).
 * Body validation is timed in this thread's CPU; a cache hit and a plain forward through a real
 * gateway to a real instance are timed in the CPU of the gateway's event-loop threads only.
 */
class ApiFeaturesProbe {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void probe() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("probe"), "run with -Dprobe=true");
        int n = Integer.getInteger("probe.requests", 20_000);
        validation(n * 10);
        gateway(n);
    }

    private static void validation(int n) {
        Api api = ApiDocument.parse(ApiOperationSettingsTest.DOCUMENT.formatted("3.0.3"), "prod", Map.of(), 1, u -> "");
        FrontDoor.BodyCheck check = api.operations().stream().filter(o -> o.body().isPresent()).findFirst().orElseThrow().body().orElseThrow();
        ApiGateTest.Request head = new ApiGateTest.Request("POST", "shop.localhost", "/prod/orders", Map.of("content-type", "application/json"));
        byte[] good = "{\"customer\": \"ada\", \"items\": [{\"sku\": \"a-1\", \"qty\": 2}, {\"sku\": \"b-2\", \"qty\": 1}]}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"customer\": \"ada\", \"items\": [{\"sku\": \"a-1\", \"qty\": 0}]}".getBytes(StandardCharsets.UTF_8);
        for (byte[] body : List.of(good, bad)) {
            for (int i = 0; i < n / 4; i++) {
                check.check(head, body);  // warm-up
            }
            long cpu = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                check.check(head, body);
            }
            System.out.printf("PROBE validation (%s body, %d bytes): %.2f us CPU per check%n", body == good ? "valid" : "invalid",
                    body.length, (THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / n);
        }
    }

    private static void gateway(int n) throws Exception {
        HttpServer instance = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        byte[] hello = "{\"items\": [1, 2, 3], \"note\": \"a small JSON answer of about a hundred bytes, like a catalogue page\"}"
                .getBytes(StandardCharsets.UTF_8);
        instance.createContext("/", ex -> {
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, hello.length);
            ex.getResponseBody().write(hello);
            ex.close();
        });
        instance.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        instance.start();
        Gateway gateway = Gateway.start(GatewayConfig.defaults().withHost("127.0.0.1").withPort(0));
        HttpClient client = HttpClient.newHttpClient();
        try {
            gateway.routes(new RouteTable(Map.of("items", ServiceRoute.single("items", "items-r1", Duration.ofSeconds(10), 1 << 20, List.of(),
                    List.of(new Endpoint("items-1", "127.0.0.1", instance.getAddress().getPort()))))));
            FrontDoor.Options cached = new FrontDoor.Options(Optional.empty(),
                    Optional.of(new FrontDoor.Caching("items /items", Duration.ofHours(1))), Optional.empty());
            gateway.frontDoor(head -> new FrontDoor.Forward("items", "/items", Map.of(), Map.of(), List.of(), List.of(),
                    head.uri().startsWith("/cached") ? cached : FrontDoor.Options.NONE));
            for (String path : List.of("/plain", "/cached", "/plain", "/cached")) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .header("Host", "shop.localhost").build();
                for (int i = 0; i < n / 4; i++) {
                    client.send(request, HttpResponse.BodyHandlers.ofByteArray());  // warm-up
                }
                long cpu = gatewayCpu();
                long wall = System.nanoTime();
                String xCache = "";
                for (int i = 0; i < n; i++) {
                    xCache = client.send(request, HttpResponse.BodyHandlers.ofByteArray()).headers().firstValue("x-cache").orElse("-");
                }
                System.out.printf("PROBE gateway %s (x-cache %s): %.2f us gateway-thread CPU per request, %.1f us wall per request (one client, in this JVM)%n",
                        path.equals("/cached") ? "cache hit" : "forward", xCache, (gatewayCpu() - cpu) / 1000.0 / n, (System.nanoTime() - wall) / 1000.0 / n);
            }
        } finally {
            client.shutdownNow();
            gateway.close();
            instance.stop(0);
        }
    }

    /** CPU time of the gateway's event loops ({@code nubo-gateway-*} threads), in nanoseconds. */
    private static long gatewayCpu() {
        long sum = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("nubo-gateway")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

}
