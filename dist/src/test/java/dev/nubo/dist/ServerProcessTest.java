package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nubo server} as its own OS process, as a user runs it: the CLI finds it through
 * NUBO_HOME, and killing it with SIGKILL leaves no instance process behind.
 */
class ServerProcessTest {

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;

    @AfterEach
    void stop() {
        if (nubo != null) {
            nubo.close();
        }
    }

    @Test
    void noInstanceOutlivesAServerKilledWithSigkill() throws Exception {
        nubo = TestNubo.start(home);
        JsonNode info = Json.mapper().readTree(home.resolve("server.json").toFile());
        assertThat(info.get("pid").asLong()).isEqualTo(nubo.pid());
        assertThat(Files.getPosixFilePermissions(home.resolve("admin.token")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        Path app = TestNubo.app(apps, "orphan", SampleApps.echoYaml("orphan", "scale: {min: 2}\n"),
                Map.of("app.py", SampleApps.echo("v1")));
        assertThat(cli("deploy", app.toString())).contains("URL:");
        String describe = cli("describe", "orphan", "-o", "json");
        List<Long> pids = Json.mapper().readTree(describe).get("revisions").get(0).get("instances")
                .findValues("pid").stream().map(JsonNode::asLong).toList();
        assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

        nubo.crash();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("instance pid %d", pid).isFalse()));
    }

    /** A zombie (dead, not yet reaped by its new parent) counts as gone. */
    private static boolean alive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            return Files.exists(stat) && !Files.readString(stat).replaceFirst("^.*\\) ", "").startsWith("Z");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private String cli(String... args) {
        TestNubo.CliResult r = nubo.nubo(args);
        assertThat(r.exitCode()).as("nubo %s\n%s", String.join(" ", args), r).isZero();
        return r.out();
    }

}
