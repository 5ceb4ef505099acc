package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.model.Json;
import dev.nubo.testing.Load;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traffic splits, tags with their own URL, header-based gray release, blue/green, and rollouts that lose nothing. */
class TrafficTest {

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;

    @BeforeEach
    void start() {
        nubo = TestNubo.start(home);
    }

    @AfterEach
    void stop() {
        nubo.close();
    }

    private void deploy(String name, String version, String extraYaml) {
        Path dir = TestNubo.app(apps.resolve(version), name, SampleApps.echoYaml(name, extraYaml), Map.of("app.py", SampleApps.echo(version)));
        TestNubo.CliResult result = nubo.nubo("deploy", dir.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private HttpResponse<String> traffic(String service, String json) {
        return nubo.api("PUT", "/v1/services/" + service + "/traffic", nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(json));
    }

    private static String split(String... pairs) {
        StringBuilder sb = new StringBuilder("{\"splits\":[");
        for (int i = 0; i < pairs.length; i += 2) {
            sb.append(i == 0 ? "" : ",").append("{\"revision\":\"").append(pairs[i]).append("\",\"percent\":").append(pairs[i + 1]).append('}');
        }
        return sb.append("]").toString();
    }

    @Test
    void splitsTrafficWithinThreePointsOfTheTargetOver2000Requests() {
        deploy("shop", "v1", "scale: {min: 1}\n");
        deploy("shop", "v2", "scale: {min: 1}\n");
        assertThat(traffic("shop", split("shop-00001", "90", "shop-00002", "10") + "}").statusCode()).isEqualTo(200);

        int v2 = 0;
        for (int i = 0; i < 2_000; i++) {
            HttpResponse<String> r = nubo.get("shop", "/");
            assertThat(r.statusCode()).isEqualTo(200);
            v2 += r.body().contains("v2") ? 1 : 0;
        }

        assertThat(v2 / 2_000.0).isBetween(0.07, 0.13);
    }

    @Test
    void tagsGetTheirOwnUrlAndReachTheMainUrlByHeader() {
        deploy("shop", "v1", "");
        deploy("shop", "v2", "");
        HttpResponse<String> set = traffic("shop", split("shop-00001", "100") + ",\"tags\":{\"canary\":\"shop-00002\"}}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);

        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");
        assertThat(nubo.get("canary-shop", "/").body()).isEqualTo("shop says v2 at /");
        assertThat(nubo.send("shop", "/", HttpRequest.newBuilder().GET(), Map.of("Nubo-Tag", "canary")).body())
                .isEqualTo("shop says v2 at /");
        assertThat(set.body()).contains("http://canary-shop.localhost");
    }

    @Test
    void anExplicitSplitSurvivesADeployAndLatestFollowsIt() {
        deploy("shop", "v1", "");
        assertThat(traffic("shop", split("shop-00001", "100") + "}").statusCode()).isEqualTo(200);

        deploy("shop", "v2", "");
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");

        assertThat(traffic("shop", split("latest", "100") + "}").statusCode()).isEqualTo(200);
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v2 at /");
        deploy("shop", "v3", "");
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v3 at /");
    }

    @Test
    void refusesTrafficToARevisionThatIsNotReady() throws Exception {
        deploy("shop", "v1", "");
        Path broken = TestNubo.app(apps.resolve("broken"), "shop",
                "name: shop\nruntime: process\ncommand: [python3, -c, \"import sys; sys.exit(3)\"]\n", Map.of());
        nubo.nubo("deploy", broken.toString());

        HttpResponse<String> r = traffic("shop", split("shop-00002", "100") + "}");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(Json.mapper().readTree(r.body()).path("error").path("message").asText()).startsWith("shop-00002 is FAILED");
        HttpResponse<String> bad = traffic("shop", split("shop-00001", "90") + "}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("traffic percentages add up to 90, not 100");
    }

    @Test
    void loseNoRequestAcrossThreeRedeploysAndATrafficShiftUnderLoad() throws Exception {
        deploy("steady", "v1", "");
        Load.Result result;
        try (Load load = Load.start(nubo, "steady", "/", 200, 16, Duration.ofMinutes(2))) {
            Thread.sleep(1_000);
            deploy("steady", "v2", "");
            Thread.sleep(500);
            deploy("steady", "v3", "");
            Thread.sleep(500);
            deploy("steady", "v4", "");
            Thread.sleep(500);
            // pin v4, deploy v5 without traffic, then shift 0 → 100 % to it (blue/green)
            assertThat(traffic("steady", split("steady-00004", "100") + "}").statusCode()).isEqualTo(200);
            deploy("steady", "v5", "");
            Thread.sleep(500);
            assertThat(traffic("steady", split("steady-00005", "100") + "}").statusCode()).isEqualTo(200);
            Thread.sleep(1_000);
            result = load.stop();
        }

        assertThat(result.failures()).as("requests that did not get a 200").isEmpty();
        assertThat(result.ok()).isGreaterThan(800);
        assertThat(result.byBody().keySet()).contains("steady says v1 at /", "steady says v4 at /", "steady says v5 at /");
    }
}
