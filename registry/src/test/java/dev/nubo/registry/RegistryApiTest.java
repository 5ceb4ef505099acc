package dev.nubo.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry's HTTP face, over a real socket, with requests shaped as Spring Cloud's Eureka client sends them. */
class RegistryApiTest {

    private final Vertx vertx = Vertx.vertx();
    private final Registry registry = new Registry(new ManualClock());
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.router(vertx);
        new RegistryApi(registry).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void registersRenewsAndCancelsAsTheEurekaClientDoes() throws Exception {
        assertThat(send("POST", "/eureka/apps/ORDERS", SpringClient.body("orders", "box:orders:8080", 8080, "UP")).statusCode()).isEqualTo(204);
        assertThat(send("PUT", "/eureka/apps/ORDERS/box:orders:8080?status=UP&lastDirtyTimestamp=1764763200000", "").statusCode())
                .isEqualTo(200);

        JsonNode apps = json(send("GET", "/eureka/apps/", null)).path("applications");
        assertThat(apps.path("versions__delta").asText()).isEqualTo("1");
        assertThat(apps.path("apps__hashcode").asText()).isEqualTo("UP_1_");
        JsonNode instance = apps.path("application").get(0).path("instance").get(0);
        assertThat(apps.path("application").get(0).path("name").asText()).isEqualTo("ORDERS");
        assertThat(instance.path("instanceId").asText()).isEqualTo("box:orders:8080");
        assertThat(instance.path("port").path("$").asInt()).isEqualTo(8080);
        assertThat(instance.path("status").asText()).isEqualTo("UP");
        assertThat(instance.path("metadata").path("management.port").asText()).as("what the client sent comes back").isEqualTo("8080");
        assertThat(json(send("GET", "/eureka/apps/orders", null)).path("application").path("instance").get(0)
                .path("hostName").asText()).isEqualTo("box");

        assertThat(send("PUT", "/eureka/apps/ORDERS/box:orders:8080/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=1", "").statusCode())
                .isEqualTo(200);
        JsonNode delta = json(send("GET", "/eureka/apps/delta", null)).path("applications");
        JsonNode changed = delta.path("application").get(0).path("instance").get(0);
        assertThat(changed.path("actionType").asText()).isEqualTo("MODIFIED");
        assertThat(changed.path("status").asText()).isEqualTo("OUT_OF_SERVICE");
        assertThat(delta.path("apps__hashcode").asText()).isEqualTo("OUT_OF_SERVICE_1_");

        assertThat(send("DELETE", "/eureka/apps/ORDERS/box:orders:8080", null).statusCode()).isEqualTo(200);
        HttpResponse<String> renew = send("PUT", "/eureka/apps/ORDERS/box:orders:8080?status=UP&lastDirtyTimestamp=1", "");
        assertThat(renew.statusCode()).as("404 makes the client register again").isEqualTo(404);
        assertThat(renew.body()).contains("no instance box:orders:8080 of ORDERS in the registry");
        assertThat(send("GET", "/eureka/apps/ORDERS", null).statusCode()).isEqualTo(404);
    }

    @Test
    void refusesBadRegistrationsWithA4xxThatSaysWhatToSend() throws Exception {
        HttpResponse<String> noPort = send("POST", "/eureka/apps/ORDERS", "{\"instance\":{\"app\":\"ORDERS\",\"hostName\":\"box\"}}");
        assertThat(noPort.statusCode()).isEqualTo(400);
        assertThat(noPort.body()).contains("not a Eureka registration: the instance's \\\"port\\\" is missing");

        HttpResponse<String> otherApp = send("POST", "/eureka/apps/BILLING", SpringClient.body("orders", "i", 8080, "UP"));
        assertThat(otherApp.statusCode()).isEqualTo(400);
        assertThat(otherApp.body()).contains("the instance's app 'ORDERS' is not the app in the path, 'BILLING'");

        HttpResponse<String> status = send("POST", "/eureka/apps/ORDERS", SpringClient.body("orders", "i", 8080, "HAPPY"));
        assertThat(status.body()).contains("is not a status", "OUT_OF_SERVICE");

        assertThat(send("POST", "/eureka/apps/ORDERS", "{not json").body()).contains("the registration is not JSON");
        HttpResponse<String> xml = http.send(HttpRequest.newBuilder(URI.create(base + "/eureka/apps")).header("Accept", "application/xml")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(xml.statusCode()).isEqualTo(406);
        assertThat(xml.body()).contains("send Accept: application/json");
        assertThat(registry.snapshot().instances()).isEmpty();
    }

    @Test
    void aWatcherReceivesEachChangeAsItHappens() throws Exception {
        registry.platform(new PlatformInstance("hello-00001-aaaaa", "hello", "127.0.0.1", 40010, true));
        HttpResponse<Stream<String>> watch = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/registry/watch")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(watch.headers().firstValue("content-type")).contains("text/event-stream");
        Iterator<String> lines = watch.body().iterator();
        assertThat(next(lines, "data:")).contains("\"name\":\"hello\"", "\"status\":\"UP\"", "\"port\":40010");

        registry.platformGone("hello-00001-aaaaa");

        assertThat(next(lines, "event:")).isEqualTo("event: change");
        assertThat(next(lines, "data:")).contains("\"action\":\"DELETED\"", "\"service\":\"hello\"", "\"id\":\"hello-00001-aaaaa\"");
        assertThat(json(send("GET", "/v1/registry", null)).path("services")).isEmpty();
    }

    /** The next line starting with {@code prefix}; the stream blocks until the server writes it (60 s only to fail a broken build). */
    private static String next(Iterator<String> lines, String prefix) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("the stream ended before a line starting with " + prefix);
        }).get(60, TimeUnit.SECONDS);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }
}
