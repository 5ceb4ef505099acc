package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the README walkthrough shows the CLI printing is what it prints, line by line. */
class WalkthroughOutputTest {

    @TempDir
    static Path home;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home);
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void deployOfAPooledFunctionNamesTheInstanceAndThePool() {
        await().atMost(Duration.ofSeconds(60)).until(() -> idle("java-256Mi") > 0);

        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-java").toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.out()).matches(Pattern.compile("""
                ✓ uploaded [0-9.]+ (B|KiB) \\(sha256:[0-9a-f]{6}…\\)
                ✓ revision hello-java-00001 created
                … instance hello-java-00001-[0-9a-z]+ starting from the prewarmed pool
                ✓ ready in ([0-9]+ms|[0-9]+\\.[0-9] s)
                URL: \\Q%s\\E
                """.formatted(nubo.server().serviceUrl("hello-java"))));

        TestNubo.CliResult invoke = nubo.nubo("invoke", "hello-java", "--data", "{\"name\":\"Grace\"}");
        assertThat(invoke.out()).isEqualTo("{\"message\":\"Hello, Grace!\",\"revision\":\"hello-java-00001\"}\n");
    }

    @Test
    void deployOfAnAppNamesTheInstanceItStarts() {
        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-python").toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.out()).containsPattern("\n… instance hello-python-00001-[0-9a-z]+ starting\n✓ ready in ");
    }

    @Test
    void helloEventsLogsAnAsyncInvocationAsTheRequestItIs() {
        assertThat(nubo.nubo("deploy", TestNubo.example("hello-events").toString()).exitCode()).isZero();

        TestNubo.CliResult invoke = nubo.nubo("invoke", "hello-events", "--async", "-d", "{\"job\":1}");

        String id = invoke.out().replaceAll("(?s)invocation (inv-[0-9a-z]+) queued.*", "$1");
        assertThat(id).as(invoke.toString()).startsWith("inv-");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(nubo.nubo("logs", "hello-events").out())
                // An app's line may carry the id of the one request in flight when Nubo read it (docs/OBSERVABILITY.md).
                .containsPattern("stdout (\\[\\S+\\] )?invocation " + id + " attempt=1 data=\\{\"job\":1\\}").doesNotContain("undefined"));
    }

    @Test
    void aCronSourceShowsItsScheduleInWordsAndItsZoneOnce() {
        TestNubo.CliResult cron = nubo.nubo("source", "create", "cron", "every-minute", "--schedule", "* * * * *",
                "--tz", "Europe/Paris", "--to", "hello-events/tick");

        assertThat(cron.exitCode()).as(cron.toString()).isZero();
        assertThat(cron.out()).contains("  schedule: * * * * * (every minute, Europe/Paris); next ");
        assertThat(nubo.nubo("source", "delete", "every-minute").out()).isEqualTo("deleted source every-minute\n");
    }

    private static int idle(String kind) throws Exception {
        JsonNode pools = Json.mapper().readTree(nubo.api("GET", "/v1/runtimes", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.noBody()).body()).path("pools");
        for (JsonNode pool : pools) {
            if (pool.path("kind").asText().equals(kind)) {
                return pool.path("idle").asInt();
            }
        }
        return 0;
    }
}
