package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogTest {

    @TempDir
    Path dir;

    @Test
    void noInstanceProcessOutlivesAServerKilledWithSigkill() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process server = new ProcessBuilder(java, "-cp", classPath, WatchdogVictim.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        List<Long> groups = new ArrayList<>();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null && !line.equals("ready"); ) {
                output.add(line);
                if (line.startsWith("pgid ")) {
                    groups.add(Long.parseLong(line.substring(5)));
                }
            }
            assertThat(groups).as("victim output: %s", output).hasSize(2);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (long pgid : groups) {
                    assertThat(Harness.groupMembers(pgid)).as("group %d", pgid).hasSize(3); // sh and two sleeps
                }
            });
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            server.waitFor(10, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (long pgid : groups) {
                assertThat(Harness.groupMembers(pgid)).as("processes of group %d", pgid).isEmpty();
            }
        });
    }
}
