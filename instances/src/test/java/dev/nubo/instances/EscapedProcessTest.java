package dev.nubo.instances;

import static dev.nubo.instances.Harness.PY_SERVER;
import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes that leave their instance's process group on purpose are still the instance's: its
 * cgroup holds them. Run once per {@link Harness#cgroupKinds()}, so each way of killing a cgroup is
 * covered where the machine has it.
 */
class EscapedProcessTest {

    /** Starts a grandchild in a session of its own (as a daemon does), writes its pid, then serves. */
    static final String ESCAPING_SERVER = "setsid sleep 1000 & echo $! > escaped.pid; exec python3 -c \"" + PY_SERVER + "\"";

    @TempDir
    Path dir;

    Harness harness;

    @AfterEach
    void tearDown() throws IOException {
        if (harness != null) {
            harness.close();
        }
        Harness.removeCgroupRoot(dir);
    }

    @ParameterizedTest(name = "hierarchies: {0}")
    @MethodSource("dev.nubo.instances.Harness#cgroupKinds")
    void stoppingAnInstanceKillsAProcessThatLeftItsSessionAndRemovesItsCgroup(String hierarchies) throws Exception {
        harness = new Harness(dir, Harness.fast(), Harness.assumeCgroupRoot(dir, hierarchies));
        Instance instance = harness.launch(harness.spec("escape-00001-s", "sh", "-c", ESCAPING_SERVER), new Transitions());
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));
        long pid = instance.pid().orElseThrow();
        long escaped = Harness.awaitPid(dir.resolve("escaped.pid"));
        assertThat(Harness.session(escaped)).as("the grandchild's session").isNotEqualTo(pid);
        List<Path> cgroups = Harness.nuboCgroups(escaped);

        instance.stop(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(2)).until(() -> !Harness.alive(escaped));
        assertThat(cgroups).as("the instance's cgroups").isNotEmpty().noneMatch(Files::exists);
        assertThat(instance.logTail(5)).anyMatch(l -> l.contains(" nubo stopping: SIGTERM to process group "
                + pid + " and the rest of cgroup escape-00001-s, SIGKILL after 5s"));
    }
}
