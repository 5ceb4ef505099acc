package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.nubo.events.EventLog;
import dev.nubo.events.Eventing;
import dev.nubo.events.EventingConfig;
import dev.nubo.events.GatewayAddress;
import dev.nubo.metrics.AlertRule;
import dev.nubo.metrics.Alerting;
import dev.nubo.model.Json;
import dev.nubo.store.AlertRules;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of target over real sockets: a loopback HTTP server stands in for both a webhook receiver
 * and the gateway (which a service target and a broker's trigger call as {@code NAME.localhost}).
 */
class AlertSenderTest {

    record Received(String host, String path, Map<String, String> headers, JsonNode body) {}

    @TempDir
    Path dir;

    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private HttpServer server;
    private Vertx vertx;
    private Eventing eventing;
    private AlertSender sender;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            received.add(new Received(exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestURI().getPath(), headers,
                    Json.mapper().readTree(exchange.getRequestBody().readAllBytes())));
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/broken") ? 500 : 200, -1);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        vertx = Vertx.vertx();
        eventing = Eventing.open(EventLog.sqlite(dir.resolve("events.db")), vertx,
                EventingConfig.to(new GatewayAddress("127.0.0.1", port, "localhost")));
        sender = new AlertSender(vertx, eventing, "127.0.0.1", port, "localhost");
    }

    @AfterEach
    void stop() {
        eventing.close();
        vertx.close().await();
        server.stop(0);
    }

    private static Alerting.Notification firing(String target) {
        AlertRule rule = AlertRule.parse(new AlertRules.Rule("shop-errors", "shop", "error_rate > 5%", Duration.ofMinutes(1), target, Instant.EPOCH));
        return new Alerting.Notification(rule, Alerting.State.FIRING, Instant.parse("2026-12-03T16:41:07Z"), "12%");
    }

    private Received next() throws InterruptedException {
        Received r = received.poll(60, TimeUnit.SECONDS);
        assertThat(r).as("a request within a minute").isNotNull();
        return r;
    }

    @Test
    void postsTheNotificationAsJsonToAWebhookAndFailsOnAnythingButA2xx() throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        sender.send(firing(base + "/hook"));

        Received r = next();
        assertThat(r.path()).isEqualTo("/hook");
        assertThat(r.headers()).containsEntry("content-type", "application/json");
        assertThat(r.body()).isEqualTo(Json.mapper().readTree("""
                {"alert": "shop-errors", "service": "shop", "state": "firing", "condition": "error_rate > 5%",
                 "value": "12%", "for": "1m", "at": "2026-12-03T16:41:07Z"}"""));
        assertThatThrownBy(() -> sender.send(firing(base + "/broken"))).hasMessage(base + "/broken answered 500");
    }

    @Test
    void callsAServiceThroughTheGatewayByItsHostName() throws Exception {
        sender.send(firing("service:pager"));

        Received r = next();
        assertThat(r.host()).isEqualTo("pager.localhost:" + server.getAddress().getPort());
        assertThat(r.body().path("state").asText()).isEqualTo("firing");
    }

    @Test
    void publishesACloudEventIntoABrokerThatItsTriggersDeliver() throws Exception {
        eventing.createBroker("ops");
        eventing.createTrigger(TriggerJson.parse(Json.mapper().readTree("{\"name\": \"page\", \"broker\": \"ops\", \"to\": \"pager/alerts\"}"),
                Instant.now()));
        sender.send(firing("broker:ops"));

        Received r = next();
        assertThat(r.host()).startsWith("pager.localhost");
        assertThat(r.path()).isEqualTo("/alerts");
        assertThat(r.headers()).containsEntry("ce-type", "dev.nubo.alert.firing").containsEntry("ce-source", "/nubo/alerts/shop-errors")
                .containsEntry("ce-subject", "shop");
        assertThat(r.body().path("value").asText()).isEqualTo("12%");
        assertThatThrownBy(() -> sender.send(firing("broker:absent"))).hasMessageContaining("absent");
    }
}
