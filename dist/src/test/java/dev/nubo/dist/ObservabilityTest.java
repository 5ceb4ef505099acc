package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of their services through the packaged server: Prometheus metrics after real
 * requests (checked by Prometheus's own {@code promtool}), usage (metering) across a restart, and logs
 * filtered by time, pattern and request id, a cold request's trace (`nubo trace` and an OTLP receiver), and an alert rule that fires and resolves into a webhook on
 * loopback. One server for the whole class, the
 * behaviours in sequence, to keep the suite short.
 */
class ObservabilityTest {

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;

    /** An OTLP/HTTP receiver on loopback, decoding with the protocol's own classes: no collector installs here (Debian, npm). */
    HttpServer otlp;
    final LinkedBlockingQueue<ExportTraceServiceRequest> exported = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        otlp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        otlp.createContext("/v1/traces", exchange -> {
            exported.add(ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        otlp.start();
        nubo = TestNubo.start(home, "--alert-every", "1s",  // alert rules evaluated every second, not every 15
                "--otlp-endpoint", "http://127.0.0.1:" + otlp.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        nubo.close();
        otlp.stop(0);
    }

    @Test
    void metricsUsageAndLogsFollowRealRequestsColdStartsAndInstances() throws Exception {
        Path dir = TestNubo.app(apps, "shop", SampleApps.echoYaml("shop", ""), Map.of("app.py", SampleApps.echo("v1")));
        assertThat(nubo.nubo("deploy", dir.toString()).exitCode()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(nubo.get("shop", "/hello").statusCode()).isEqualTo(200);
        }
        assertThat(nubo.post("shop", "/orders", "x".repeat(100)).body()).isEqualTo("received 100 bytes");
        assertThat(nubo.get("shop", "/unready").statusCode()).isEqualTo(503);

        assertThat(nubo.api("GET", "/metrics", null, HttpRequest.BodyPublishers.noBody()).statusCode())
                .as("metrics sit behind the admin token like the rest of the control API").isEqualTo(401);
        String text = scrape();
        String shop = "revision=\"shop-00001\",service=\"shop\"";
        assertThat(value(text, "nubo_gateway_requests_total{code=\"2xx\"," + shop + "}")).isEqualTo(4);
        assertThat(value(text, "nubo_gateway_requests_total{code=\"5xx\"," + shop + "}")).isEqualTo(1);
        assertThat(value(text, "nubo_gateway_request_duration_seconds_count{" + shop + "}")).isEqualTo(5);
        assertThat(value(text, "nubo_gateway_request_duration_seconds_bucket{" + shop + ",le=\"+Inf\"}")).isEqualTo(5);
        assertThat(value(text, "nubo_gateway_request_body_bytes_total{" + shop + "}")).isEqualTo(100);
        assertThat(value(text, "nubo_gateway_response_body_bytes_total{" + shop + "}"))
                .isEqualTo(3 * "shop says v1 at /hello".length() + "received 100 bytes".length() + "never ready".length());
        assertThat(value(text, "nubo_instances{" + shop + ",state=\"ready\"}")).isEqualTo(1);
        assertThat(value(text, "nubo_autoscaler_actual_instances{" + shop + "}")).isEqualTo(1);
        assertThat(value(text, "nubo_gateway_hold_queue{" + shop + "}")).isZero();
        assertThat(value(text, "nubo_instance_start_duration_seconds_count{pooled=\"false\"," + shop + "}")).isEqualTo(1);
        assertThat(value(text, "jvm_threads_live_threads")).isPositive();
        Matcher rss = Pattern.compile("^nubo_instance_memory_rss_bytes\\{instance=\"shop-00001-[a-z0-9]+\"," + Pattern.quote(shop) + "} (\\S+)$",
                Pattern.MULTILINE).matcher(text);
        assertThat(rss.find()).as(text).isTrue();
        assertThat(Double.parseDouble(rss.group(1))).as("a Python process's resident memory").isBetween(1e6, 1e9);

        // nubo top: the same metrics, as a table of the interval between two scrapes.
        TestNubo.CliResult top = nubo.nubo("top", "--once", "--interval", "1s");
        assertThat(top.exitCode()).as(top.toString()).isZero();
        assertThat(top.out().lines().toList()).as(top.out()).hasSize(2).first().asString()
                .startsWith("SERVICE").contains("REQ/S", "5XX", "P99", "READY", "DESIRED", "HELD");
        assertThat(top.out().lines().toList().get(1).split("\\s+")).startsWith("shop", "shop-00001", "0.0", "0.0%", "-", "-", "1");

        // Metering: the same requests as usage, in the store's hourly rollups.
        TestNubo.CliResult usage = nubo.nubo("usage", "--since", "1h", "--by", "revision", "-o", "json");
        assertThat(usage.exitCode()).as(usage.toString()).isZero();
        JsonNode row = Json.mapper().readTree(usage.out()).path("usage").get(0);
        assertThat(row.path("service").asText()).isEqualTo("shop");
        assertThat(row.path("revision").asText()).isEqualTo("shop-00001");
        assertThat(row.path("invocations").asLong()).isEqualTo(5);
        assertThat(row.path("bytesIn").asLong()).isEqualTo(100);
        assertThat(row.path("gbSeconds").asDouble()).as("128 MiB for the instance's lifetime so far").isPositive();
        assertThat(row.path("activeGbSeconds").asDouble()).isPositive().isLessThan(row.path("gbSeconds").asDouble());
        TestNubo.CliResult csv = nubo.nubo("usage", "--since", "1h", "-o", "csv");
        assertThat(csv.out().lines().toList()).hasSize(2).first()
                .isEqualTo("service,invocations,gbSeconds,activeGbSeconds,cpuSeconds,bytesIn,bytesOut");
        assertThat(csv.out().lines().toList().get(1)).startsWith("shop,5,");

        // Logs: by time, by pattern, by request id (which Nubo's Node runtime writes into a function's lines), as JSON.
        TestNubo.CliResult served = nubo.nubo("logs", "shop", "--since", "10m", "--grep", "served /h.llo");
        assertThat(served.out().lines().toList()).as(served.toString()).hasSize(3)  // [ID] when read while the request was in flight
                .allMatch(l -> l.matches(".* stdout (\\[\\S+\\] )?served /hello"));
        assertThat(nubo.nubo("logs", "shop", "--since", "2000-01-01T00:00:00Z", "--grep", "served /h.llo").out().lines()).hasSize(3);
        assertThat(nubo.nubo("logs", "shop", "--since", "2099-01-01T00:00:00Z").out()).isEmpty();
        TestNubo.CliResult badGrep = nubo.nubo("logs", "shop", "--grep", "(");
        assertThat(badGrep.exitCode()).isEqualTo(1);
        assertThat(badGrep.err()).contains("grep=( is not a regular expression");
        Path fn = TestNubo.app(apps.resolve("fn"), "greeter", "name: greeter\nruntime: node\nhandler: index.handler\n",
                Map.of("index.mjs", "export const handler = async (event) => { console.log('greeting', JSON.parse(event.body).name); return {ok: true}; };\n"));
        assertThat(nubo.nubo("deploy", fn.toString()).exitCode()).isZero();
        for (String id : new String[] {"req-ada-1", "req-bob-2"}) {
            assertThat(nubo.send("greeter", "/", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"" + id.substring(4, 7) + "\"}")), Map.of("X-Request-Id", id)).statusCode()).isEqualTo(200);
        }
        TestNubo.CliResult one = nubo.nubo("logs", "greeter", "--request", "req-bob-2", "-o", "json");
        assertThat(one.out().lines().toList()).as(one.toString()).hasSize(1);
        JsonNode line = Json.mapper().readTree(one.out().lines().findFirst().orElseThrow());
        assertThat(line.path("text").asText()).contains("req-bob-2").contains("greeting bob");
        assertThat(line.path("instance").asText()).startsWith("greeter-00001-");
        assertThat(line.path("stream").asText()).isEqualTo("stdout");

        // The access log: a line per request through the gateway, written off the event loop (so awaited).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> nubo.nubo("logs", "shop", "--access").out().lines().count() == 5);
        TestNubo.CliResult unready = nubo.nubo("logs", "shop", "--access", "--grep", " 503 ", "-o", "json");
        assertThat(unready.out().lines().toList()).as(unready.toString()).hasSize(1);
        JsonNode entry = Json.mapper().readTree(unready.out().lines().findFirst().orElseThrow());
        assertThat(entry.path("revision").asText()).isEqualTo("shop-00001");
        assertThat(entry.path("method").asText() + " " + entry.path("path").asText()).isEqualTo("GET /unready");
        assertThat(entry.path("bytesOut").asLong()).isEqualTo("never ready".length());
        assertThat(entry.path("client").asText()).isEqualTo("127.0.0.1");
        assertThat(nubo.nubo("logs", "shop", "--access", "--grep", "POST").out())
                .contains("shop-00001 POST /orders 200 ").contains(" in=100 out=" + "received 100 bytes".length() + " ");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> nubo.nubo("logs", "greeter", "--access", "--request", "req-bob-2").out().lines().count() == 1);
        assertThat(nubo.nubo("logs", "greeter", "--access", "--request", "req-bob-2").out()).contains(" POST / 200 ", " id=req-bob-2 ");

        // After a restart the revision is at zero: the first request waits for a cold start.
        nubo.restart();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertThat(nubo.send("shop", "/cold", HttpRequest.newBuilder().GET(),
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")).statusCode()).isEqualTo(200);
        text = scrape();
        assertThat(value(text, "nubo_cold_start_duration_seconds_count{" + shop + "}")).isEqualTo(1);
        assertThat(value(text, "nubo_cold_start_phase_duration_seconds_count{phase=\"hold\"," + shop + "}")).isEqualTo(1);
        assertThat(value(text, "nubo_cold_start_phase_duration_seconds_count{phase=\"first_response\"," + shop + "}")).isEqualTo(1);
        assertThat(value(text, "nubo_cold_start_phase_duration_seconds_sum{phase=\"hold\"," + shop + "}")).isPositive();
        assertThat(value(text, "nubo_gateway_hold_duration_seconds_count{" + shop + "}")).isEqualTo(1);
        assertThat(value(text, "nubo_gateway_requests_total{code=\"2xx\"," + shop + "}")).as("counts start again with the server").isEqualTo(1);
        JsonNode shopAfter = Json.mapper().readTree(nubo.api("/v1/usage?since=1h&by=service&service=shop").body()).path("usage").get(0);
        assertThat(shopAfter.path("invocations").asLong()).as("usage is kept across the restart").isEqualTo(6);

        traceShowsTheColdStartThroughGatewayHoldAndInstance(traceId);
        anEventsDeliveryAttemptIsASpanInTheEventsTrace();
        // An app's line without a request id names the one request its instance serves while the line comes.
        java.util.concurrent.CompletableFuture<HttpResponse<String>> held = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> nubo.send("shop", "/hold", HttpRequest.newBuilder().GET(), Map.of("X-Request-Id", "req-held-1")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> nubo.nubo("logs", "shop", "--request", "req-held-1").out().contains("holding until /release"));
        assertThat(nubo.nubo("logs", "shop", "--request", "req-held-1").out().lines().toList()).singleElement().asString()
                .endsWith(" stdout [req-held-1] holding until /release");
        assertThat(nubo.get("shop", "/release").statusCode()).isEqualTo(200);
        assertThat(held.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("released");

        alertsFireAndResolveIntoAWebhook();
    }

    /** The cold request's trace, as `nubo trace` prints it from the server's memory and as the OTLP receiver got it. */
    private void traceShowsTheColdStartThroughGatewayHoldAndInstance(String traceId) throws Exception {
        TestNubo.CliResult tree = nubo.nubo("trace", traceId);
        assertThat(tree.exitCode()).as(tree.toString()).isZero();
        List<String> lines = tree.out().lines().toList();
        assertThat(lines).as(tree.out()).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("trace " + traceId);
        assertThat(lines.get(1).split("\\s+")).containsExactly("SPAN", "SERVICE", "DURATION", "STATUS");
        assertThat(lines.get(2)).startsWith("GET /cold ").matches(".* shop +[0-9.]+m?s +ok");
        assertThat(lines.get(3)).startsWith("├─ hold ").contains(" shop ");
        assertThat(lines.get(4)).startsWith("│  └─ cold start ");
        assertThat(lines.get(5)).startsWith("└─ call instance ").endsWith(" ok");
        JsonNode spans = Json.mapper().readTree(nubo.nubo("trace", traceId, "-o", "json").out()).path("spans");
        assertThat(spans.get(0).path("parentId").asText()).as("the caller's span").isEqualTo("00f067aa0ba902b7");
        assertThat(spans.get(0).path("attributes").path("http.response.status_code").asText()).isEqualTo("200");
        JsonNode listed = Json.mapper().readTree(nubo.nubo("trace", "--list", "--service", "shop", "-o", "json").out()).path("traces");
        assertThat(listed).extracting(t -> t.path("traceId").asText()).contains(traceId);
        TestNubo.CliResult unknown = nubo.nubo("trace", "0af7651916cd43dd8448eb211c80319c");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no spans of trace 0af7651916cd43dd8448eb211c80319c are kept");
        assertThat(nubo.nubo("trace", "not-a-trace").err()).contains("'not-a-trace' is not a trace id");

        Map<String, io.opentelemetry.proto.trace.v1.Span> got = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (got.size() < 4 && System.nanoTime() < deadline) {
            ExportTraceServiceRequest request = exported.poll(1, java.util.concurrent.TimeUnit.SECONDS);
            if (request != null) {
                request.getResourceSpansList().forEach(r -> r.getScopeSpansList().forEach(s -> s.getSpansList().stream()
                        .filter(span -> java.util.HexFormat.of().formatHex(span.getTraceId().toByteArray()).equals(traceId))
                        .forEach(span -> got.put(span.getName(), span))));
            }
        }
        assertThat(got.keySet()).as("exported to the OTLP receiver within 60 s").containsExactly("GET /cold", "call instance", "cold start", "hold");
        assertThat(got.get("call instance").getParentSpanId()).isEqualTo(got.get("GET /cold").getSpanId());
        assertThat(got.get("hold").getParentSpanId()).isEqualTo(got.get("GET /cold").getSpanId());
    }

    /**
     * An event carrying a traceparent extension: its delivery attempt is a span in that trace, and what the
     * gateway saw of it (when the delivery went through the gateway rather than straight to the instance) is under it.
     */
    private void anEventsDeliveryAttemptIsASpanInTheEventsTrace() throws Exception {
        assertThat(nubo.nubo("trigger", "create", "traced", "--filter", "type=order.traced", "--to", "shop/orders").exitCode()).isZero();
        String traceId = "5c3a3f1e0b2d4e6f8a9b0c1d2e3f4a5b";
        String event = "{\"specversion\":\"1.0\",\"id\":\"order-8\",\"source\":\"/observability-test\",\"type\":\"order.traced\","
                + "\"traceparent\":\"00-" + traceId + "-b7ad6b7169203331-01\",\"datacontenttype\":\"application/json\",\"data\":{\"order\":8}}";
        assertThat(nubo.api("POST", "/v1/brokers/default/events", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.ofString(event), "application/cloudevents+json").statusCode()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> nubo.nubo("trace", traceId).out().contains("event delivery"));
        JsonNode spans = Json.mapper().readTree(nubo.nubo("trace", traceId, "-o", "json").out()).path("spans");
        JsonNode delivery = spans.get(0);
        assertThat(delivery.path("name").asText()).as(spans.toString()).isEqualTo("event delivery");
        assertThat(delivery.path("parentId").asText()).as("the event's own span").isEqualTo("b7ad6b7169203331");
        assertThat(delivery.path("service").asText()).isEqualTo("shop");
        assertThat(delivery.path("attributes").path("nubo.trigger").asText()).isEqualTo("traced");
        assertThat(delivery.path("attributes").path("nubo.broker").asText()).isEqualTo("default");
        assertThat(delivery.path("attributes").path("cloudevents.event_id").asText()).isEqualTo("order-8");
        assertThat(delivery.path("attributes").path("nubo.outcome").asText()).isEqualTo("delivered");
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i).path("name").asText()).isIn("POST /orders", "call instance");
        }
    }

    /** A rule on a service answering 503s fires into a webhook served here; once the 503s stop, it resolves. */
    private void alertsFireAndResolveIntoAWebhook() throws Exception {
        TestNubo.CliResult bad = nubo.nubo("alert", "set", "shop-errors", "--service", "shop", "--when", "errors > 5%", "--notify", "http://127.0.0.1:9/");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.err()).contains("when: 'errors' is not a figure alerts watch");
        HttpResponse<String> badNotify = nubo.api("PUT", "/v1/alerts/shop-errors", nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(
                "{\"service\": \"shop\", \"when\": \"p99 > 1s\", \"notify\": \"mailto:ops@example.com\"}"));
        assertThat(badNotify.statusCode()).as(badNotify.body()).isEqualTo(400);
        assertThat(badNotify.body()).contains("notify: 'mailto:ops@example.com' is not an http(s) URL, a service or a broker");
        LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hook", exchange -> {
            received.add(Json.mapper().readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try {
            String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
            TestNubo.CliResult set = nubo.nubo("alert", "set", "shop-errors", "--service", "shop", "--when", "error_rate > 5%", "--for", "0s",
                    "--notify", url);
            assertThat(set.exitCode()).as(set.toString()).isZero();
            assertThat(set.out()).contains("alert shop-errors set: error_rate > 5% on shop for 0s notifies " + url);
            // The same rule notifying a Nubo service (shop itself: its POST handler answers 200) through the gateway.
            assertThat(nubo.nubo("alert", "set", "to-service", "--service", "shop", "--when", "error_rate > 5%", "--notify", "service:shop")
                    .exitCode()).isZero();

            // 503s until the webhook hears of the rule firing: the rule sees them at its next evaluation.
            JsonNode firing = null;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
            while (firing == null && System.nanoTime() < deadline) {
                assertThat(nubo.get("shop", "/unready").statusCode()).isEqualTo(503);
                firing = received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            assertThat(firing).as("a firing notification within 90 s").isNotNull();
            assertThat(firing.path("alert").asText()).isEqualTo("shop-errors");
            assertThat(firing.path("state").asText()).isEqualTo("firing");
            assertThat(firing.path("service").asText()).isEqualTo("shop");
            assertThat(firing.path("condition").asText()).isEqualTo("error_rate > 5%");
            assertThat(firing.path("value").asText()).endsWith("%");

            // No more requests: the next evaluation has nothing that holds, and the rule resolves.
            JsonNode resolved = received.poll(90, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(resolved).as("a resolved notification within 90 s").isNotNull();
            assertThat(resolved.path("state").asText()).isEqualTo("resolved");
            JsonNode listed = Json.mapper().createArrayNode();
            // An outcome is recorded once the target answered: wait for both rules' firing and resolved.
            while (listed.size() < 2 || !listed.get(0).path("notifications").toString().contains("resolved")
                    || !listed.get(1).path("notifications").toString().contains("resolved")) {
                assertThat(System.nanoTime()).as("both rules' notifications listed within 90 s: %s", listed).isLessThan(deadline + 90_000_000_000L);
                TestNubo.CliResult alerts = nubo.nubo("alerts", "-o", "json");
                assertThat(alerts.exitCode()).as(alerts.toString()).isZero();
                listed = Json.mapper().readTree(alerts.out()).path("alerts");
            }
            assertThat(listed).extracting(a -> a.path("name").asText() + " " + a.path("state").asText())
                    .containsExactly("shop-errors ok", "to-service ok");
            for (JsonNode rule : listed) {
                assertThat(rule.path("notifications")).as(rule.toString()).extracting(n -> n.path("event").asText() + " " + n.path("outcome").asText())
                        .containsExactly("resolved delivered", "firing delivered");
            }
            TestNubo.CliResult table = nubo.nubo("alerts");
            assertThat(table.out()).as(table.toString()).contains("shop-errors", "error_rate > 5%", "ok", url)
                    .contains("Last notifications, newest first:");

            // A rules file is the whole set: checked whole first (an error names the rule and the field), then applied.
            Path file = apps.resolve("alerts.yaml");
            java.nio.file.Files.writeString(file, "alerts:\n"
                    + "  - {name: shop-errors, service: shop, when: error_rate > 5%, for: 0s, notify: '" + url + "'}\n"
                    + "  - {name: shop-slow, service: shop, when: p99 > fast, notify: 'service:shop'}\n");
            TestNubo.CliResult wrong = nubo.nubo("alert", "apply", "-f", file.toString());
            assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
            assertThat(wrong.err()).contains("alerts[1] (shop-slow): when: 'p99 > fast' is not a condition");
            java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("p99 > fast", "p99 > 1s"));
            TestNubo.CliResult applied = nubo.nubo("alert", "apply", "-f", file.toString());
            assertThat(applied.out()).as(applied.toString())
                    .contains("2 rules, 1 created or changed, 1 deleted (to-service)");

            // Rule states and notifications are in the store: a restart keeps them.
            nubo.restart();
            JsonNode kept = Json.mapper().readTree(nubo.nubo("alerts", "-o", "json").out()).path("alerts");
            assertThat(kept).extracting(a -> a.path("name").asText() + " " + a.path("state").asText())
                    .containsExactly("shop-errors ok", "shop-slow ok");
            assertThat(kept.get(0).path("notifications")).extracting(n -> n.path("event").asText() + " " + n.path("outcome").asText())
                    .containsExactly("resolved delivered", "firing delivered");
        } finally {
            hook.stop(0);
        }
    }

    /** GET /metrics with the token, checked by promtool: a parse error or a lint problem fails the test. */
    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = nubo.api("/metrics");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("promtool is missing: install Debian's `prometheus` package (.ci/run does)", e);
        }
        try (var in = promtool.getOutputStream()) {
            in.write(response.body().getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor()).as("promtool check metrics said: %s", said).isZero();
        return response.body();
    }

    /** The value of one sample, by its exact name and labels as Micrometer writes them (labels sorted). */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("series %s in:%n%s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
