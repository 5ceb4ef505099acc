package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runtime: static} through the packaged server: a built site deployed with {@code nubo deploy},
 * served by the gateway with no process, revalidated with 304, split between two revisions and rolled back.
 */
class StaticSiteTest {

    @TempDir
    Path home;

    @TempDir
    Path apps;

    @Test
    void servesADeployedSiteWithoutAProcessAcrossDeploysSplitsAndRollback() {
        try (TestNubo nubo = TestNubo.start(home)) {
            deploy(nubo, "v1");

            HttpResponse<String> index = nubo.get("site", "/");
            assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
            assertThat(index.body()).isEqualTo("<h1>v1</h1>");
            assertThat(index.headers().firstValue("cache-control")).contains("no-cache");
            assertThat(nubo.get("site", "/app.3f9a1c.js").headers().firstValue("cache-control"))
                    .contains("public, max-age=31536000, immutable");
            assertThat(nubo.get("site", "/orders/7").body()).as("SPA fallback").isEqualTo("<h1>v1</h1>");
            String etag = index.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again = nubo.send("site", "/", HttpRequest.newBuilder().GET(), Map.of("if-none-match", etag));
            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(nubo.api("GET", "/v1/services/site", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody()).body())
                    .as("no process serves a static site").doesNotContain("\"pid\"");

            deploy(nubo, "v2");
            await().atMost(Duration.ofSeconds(30)).until(() -> nubo.get("site", "/").body().equals("<h1>v2</h1>"));
            HttpResponse<String> split = nubo.api("PUT", "/v1/services/site/traffic", nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(
                    "{\"splits\":[{\"revision\":\"site-00001\",\"percent\":50},{\"revision\":\"site-00002\",\"percent\":50}]}"));
            assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
            List<String> bodies = IntStream.range(0, 20).mapToObj(i -> nubo.get("site", "/").body()).toList();
            assertThat(bodies).containsOnly("<h1>v1</h1>", "<h1>v2</h1>").contains("<h1>v1</h1>", "<h1>v2</h1>");

            TestNubo.CliResult rollback = nubo.nubo("rollback", "site", "site-00001");  // with a split set, rollback needs the revision named
            assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> nubo.get("site", "/").body().equals("<h1>v1</h1>"));
        }
    }

    private void deploy(TestNubo nubo, String version) {
        Path dir = TestNubo.app(apps.resolve(version), "site", "name: site\nruntime: static\nroot: dist\nspa: true\n",
                Map.of("dist/index.html", "<h1>" + version + "</h1>", "dist/app.3f9a1c.js", "console.log('" + version + "')"));
        TestNubo.CliResult result = nubo.nubo("deploy", dir.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }
}
