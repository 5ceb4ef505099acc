package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revisions are immutable, failed ones never take traffic, and state survives a restart. */
class RevisionsTest {

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

    private TestNubo.CliResult deploy(String name, String version, String extraYaml) {
        Path dir = TestNubo.app(apps.resolve(version), name, SampleApps.echoYaml(name, extraYaml),
                Map.of("app.py", SampleApps.echo(version)));
        return nubo.nubo("deploy", dir.toString());
    }

    @Test
    void aRedeployServesTheNewRevision() {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");

        TestNubo.CliResult second = deploy("shop", "v2", "");

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("shop-00002");
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v2 at /");
    }

    @Test
    void aRequestInFlightToTheOldRevisionCompletesAcrossARedeploy() throws Exception {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();
        var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> nubo.get("shop", "/sleep?ms=2000"));
        Thread.sleep(300);

        assertThat(deploy("shop", "v2", "").exitCode()).isZero();
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v2 at /");

        var answer = slow.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("shop says v1 at /sleep");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(revision("shop", "shop-00001").get("instances")).isEmpty());
    }

    @Test
    void anAppThatExitsAtOnceFailsItsRevisionAndThePreviousKeepsServing() throws Exception {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();
        Path broken = TestNubo.app(apps.resolve("broken"), "shop",
                "name: shop\nruntime: process\ncommand: [python3, -c, \"import sys; print('missing DATABASE_URL', file=sys.stderr); sys.exit(3)\"]\n",
                Map.of());

        TestNubo.CliResult result = nubo.nubo("deploy", broken.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out() + result.err()).contains("shop-00002", "exited with code 3", "missing DATABASE_URL");
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");
        JsonNode revision = revision("shop", "shop-00002");
        assertThat(revision.get("state").asText()).isEqualTo("FAILED");
        assertThat(revision.get("reason").asText()).contains("exited with code 3");
        assertThat(revision.get("logTail").toString()).contains("missing DATABASE_URL");
    }

    @Test
    void anAppThatNeverBecomesReadyFailsAfterItsStartTimeout() throws Exception {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();

        TestNubo.CliResult result = deploy("shop", "v2", "readiness: {http: /unready, timeout: 1s}\n");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(revision("shop", "shop-00002").get("reason").asText()).contains("not ready within 1s");
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");
    }

    @Test
    void replacesAnInstanceKilledWithSigkill() throws Exception {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();
        JsonNode instance = revision("shop", "shop-00001").get("instances").get(0);
        long pid = instance.get("pid").asLong();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode now = revision("shop", "shop-00001").get("instances").get(0);
            assertThat(now.get("state").asText()).isEqualTo("READY");
            assertThat(now.get("pid").asLong()).isNotEqualTo(pid);
            assertThat(now.get("restarts").asInt()).isEqualTo(1);
        });
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");
        assertThat(nubo.nubo("describe", "shop").out()).contains("crashed");
    }

    @Test
    void aRevisionThatCrashLoopsFailsAndThePreviousOneServesAgain() throws Exception {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();
        assertThat(deploy("shop", "v2", "env: {CRASH_AFTER_MS: \"300\"}\n").exitCode()).isZero();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(revision("shop", "shop-00002").get("state").asText()).isEqualTo("FAILED"));
        assertThat(revision("shop", "shop-00002").get("reason").asText()).startsWith("crash loop: exited 6 times");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /"));
        assertThat(nubo.nubo("describe", "shop").out()).contains("shop-00002 failed: crash loop", "crashed");
    }

    @Test
    void rollsBackToAnEarlierRevisionUntilTheNextDeploy() {
        assertThat(deploy("shop", "v1", "").exitCode()).isZero();
        assertThat(deploy("shop", "v2", "").exitCode()).isZero();

        TestNubo.CliResult rollback = nubo.nubo("rollback", "shop");

        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(rollback.out()).contains("shop-00001");
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v1 at /");

        assertThat(deploy("shop", "v3", "").exitCode()).isZero();
        assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v3 at /");
    }

    @Test
    void keepsServicesRevisionsAndRoutesAcrossARestart() throws Exception {
        assertThat(deploy("shop", "v1", "paths: [/shop]\n").exitCode()).isZero();
        assertThat(deploy("shop", "v2", "paths: [/shop]\n").exitCode()).isZero();
        assertThat(deploy("cart", "v1", "").exitCode()).isZero();

        nubo.restart();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(nubo.get("shop", "/").body()).isEqualTo("shop says v2 at /");
            assertThat(nubo.get("cart", "/").body()).isEqualTo("cart says v1 at /");
        });
        assertThat(nubo.get("anything", "/shop/items").body()).isEqualTo("shop says v2 at /shop/items");
        assertThat(revision("shop", "shop-00001").get("state").asText()).isEqualTo("READY");
        assertThat(deploy("shop", "v3", "").out()).contains("shop-00003");
    }

    @Test
    void aPathPrefixBelongsToOneService() {
        assertThat(deploy("shop", "v1", "paths: [/shop]\n").exitCode()).isZero();

        TestNubo.CliResult taken = deploy("cart", "v1", "paths: [/shop]\n");

        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).contains("error: path /shop is already routed to service shop",
                "hint: choose another prefix in `paths`");
        assertThat(nubo.get("anything", "/shop/x").body()).isEqualTo("shop says v1 at /shop/x");
    }

    @Test
    void rejectsAMalformedDescriptorNamingTheField() {
        Path dir = TestNubo.app(apps, "bad", "name: bad\nruntime: process\ncommand: [python3, app.py]\ntimeout: soon\n", Map.of());

        TestNubo.CliResult result = nubo.nubo("deploy", dir.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("error: nubo.yaml: `timeout` must be a duration such as 500ms, 30s, 2m or 1h (got 'soon')",
                "hint: write a number followed by ms, s, m or h");
        assertThat(nubo.nubo("list").out()).doesNotContain("bad");
    }

    private JsonNode revision(String service, String id) throws Exception {
        var r = nubo.api("GET", "/v1/services/" + service + "/revisions/" + id, nubo.server().adminToken(),
                java.net.http.HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }
}
