package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WatchdogTest {

    @TempDir
    Path dir;

    /** What the victim printed before "ready", line by line. */
    final List<String> output = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        Harness.removeCgroupRoot(dir);
    }

    @Test
    void noInstanceProcessOutlivesAServerKilledWithSigkill() throws Exception {
        List<Long> groups = new ArrayList<>();
        killedAfterStart(List.of(), () -> {
            output.stream().filter(l -> l.startsWith("pgid ")).forEach(l -> groups.add(Long.parseLong(l.substring(5))));
            assertThat(groups).as("victim output: %s", output).hasSize(2);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (long pgid : groups) {
                    assertThat(Harness.groupMembers(pgid)).as("group %d", pgid).hasSize(3); // sh and two sleeps
                }
            });
        });

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (long pgid : groups) {
                assertThat(Harness.groupMembers(pgid)).as("processes of group %d", pgid).isEmpty();
            }
        });
    }

    /** Once per {@link Harness#cgroupKinds()}: the watchdog's sweep differs by kind. */
    @ParameterizedTest(name = "hierarchies: {0}")
    @MethodSource("dev.nubo.instances.Harness#cgroupKinds")
    void noProcessThatLeftItsSessionOutlivesAServerKilledWithSigkill(String hierarchies) throws Exception {
        Path root = Harness.assumeCgroupRoot(dir, hierarchies);
        List<Long> escaped = new ArrayList<>();
        List<Path> cgroups = new ArrayList<>();
        killedAfterStart(List.of("escaping", root.toString()), () -> {
            output.stream().filter(l -> l.startsWith("escaped ")).forEach(l -> escaped.add(Long.parseLong(l.substring(8))));
            assertThat(escaped).as("victim output: %s", output).hasSize(1);
            assertThat(Harness.alive(escaped.getFirst())).isTrue();
            cgroups.addAll(Harness.nuboCgroups(escaped.getFirst()));
        });

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Harness.alive(escaped.getFirst()))
                .as("process %d that left its session", escaped.getFirst()).isFalse());
        assertThat(cgroups).as("the cgroups of the instance").isNotEmpty();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cgroups).noneMatch(Files::exists));
        // The run's directory goes too, and the scope's, as no other run of it is left.
        assertThat(cgroups).allSatisfy(c -> assertThat(c.getParent().getParent()).doesNotExist());
    }

    interface Check {
        void run() throws Exception;
    }

    /** Starts the victim, runs {@code whileRunning} once it is ready, then kills it with SIGKILL. */
    private void killedAfterStart(List<String> args, Check whileRunning) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, WatchdogVictim.class.getName(), dir.toString()));
        command.addAll(args);
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null && !line.equals("ready"); ) {
                output.add(line);
            }
            whileRunning.run();
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
