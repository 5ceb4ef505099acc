package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traffic changed by many hands at once: none is lost, a stale one is told so, and no two claim one host. */
class TrafficConcurrencyTest {

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        nubo = TestNubo.start(home, 0);
    }

    @AfterEach
    void stop() {
        nubo.close();
        http.close();
    }

    @Test
    void twentyConcurrentTagAdditionsAllEndUpPresent() throws Exception {
        deploy("shop");
        List<Future<TestNubo.CliResult>> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                String tag = "t" + i;
                runs.add(pool.submit(() -> nubo.nubo("traffic", "shop", "--tag", tag + "=latest")));
            }
        }

        for (Future<TestNubo.CliResult> run : runs) {
            assertThat(run.get().exitCode()).as(run.get().toString()).isZero();
        }
        JsonNode tags = Json.mapper().readTree(api("GET", "/v1/services/shop", null, "").body()).at("/traffic/configured/tags");
        List<String> names = new ArrayList<>();
        tags.fieldNames().forEachRemaining(names::add);
        assertThat(names).hasSize(20).contains("t0", "t7", "t19");
    }

    @Test
    void aChangeBasedOnAStaleVersionGets412SayingWhatToDo() throws Exception {
        deploy("shop");
        HttpResponse<String> read = api("GET", "/v1/services/shop/traffic", null, "");
        String etag = read.headers().firstValue("etag").orElseThrow();
        assertThat(Json.mapper().readTree(read.body()).get("version").asText()).isEqualTo(etag.replace("\"", ""));
        String canary = "{\"splits\":[{\"revision\":\"latest\",\"percent\":100}],\"tags\":{\"canary\":\"latest\"}}";
        String edge = "{\"splits\":[{\"revision\":\"latest\",\"percent\":100}],\"tags\":{\"edge\":\"latest\"}}";

        HttpResponse<String> first = api("PUT", "/v1/services/shop/traffic", etag, canary);
        HttpResponse<String> stale = api("PUT", "/v1/services/shop/traffic", etag, edge);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String now = first.headers().firstValue("etag").orElseThrow();
        assertThat(now).isNotEqualTo(etag);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        JsonNode error = Json.mapper().readTree(stale.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("traffic.changed");
        assertThat(error.get("message").asText()).isEqualTo("the traffic of service shop changed since it was read: If-Match names"
                + " version " + etag + ", it is at " + now + " now");
        assertThat(error.get("hint").asText()).isEqualTo("read it again (GET /v1/services/shop/traffic), make your change to what"
                + " it is now and send that with If-Match: " + now + "; `nubo traffic` does this by itself");
        JsonNode kept = Json.mapper().readTree(api("GET", "/v1/services/shop/traffic", null, "").body()).get("tags");
        assertThat(kept.has("canary")).isTrue();
        assertThat(kept.has("edge")).isFalse();
        assertThat(api("PUT", "/v1/services/shop/traffic", "3", edge).statusCode()).as("If-Match is an entity tag, quoted").isEqualTo(400);
    }

    @Test
    void aServiceNameAndATagOfAnotherServiceCannotShareAHost() {
        deploy("spy");
        assertThat(nubo.nubo("traffic", "spy", "--tag", "canary=latest").exitCode()).isZero();

        TestNubo.CliResult second = nubo.nubo("deploy", app("canary-spy").toString());

        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err()).contains("error: service canary-spy would answer at the host name canary-spy, which tag canary"
                + " of service spy has").contains("hint: name the service differently in nubo.yaml, or remove the tag first:"
                + " `nubo traffic spy --untag canary`");
        assertThat(nubo.nubo("list").out()).doesNotContain("canary-spy");

        deploy("beta-spy");
        TestNubo.CliResult tag = nubo.nubo("traffic", "spy", "--tag", "beta=latest");
        assertThat(tag.exitCode()).isEqualTo(1);
        assertThat(tag.err()).contains("error: tag beta of service spy would answer at the host name beta-spy, which service"
                + " beta-spy has").contains("hint: choose another tag name, or delete service beta-spy first");
    }

    private void deploy(String name) {
        TestNubo.CliResult result = nubo.nubo("deploy", app(name).toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private Path app(String name) {
        return TestNubo.app(apps, name, SampleApps.echoYaml(name, ""), Map.of("app.py", SampleApps.echo("v1")));
    }

    /** The control API with a header of our own, which {@code TestNubo.api} does not take. */
    private HttpResponse<String> api(String method, String path, String ifMatch, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + path))
                .header("Authorization", "Bearer " + nubo.server().adminToken())
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
