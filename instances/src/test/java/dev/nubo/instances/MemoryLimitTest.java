package dev.nubo.instances;

import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLimitTest {

    @TempDir
    Path dir;

    Harness harness;
    Optional<MemoryCgroups> cgroups;

    @BeforeEach
    void setUp() {
        cgroups = MemoryCgroups.detect(Path.of("/sys/fs/cgroup"));
        Assumptions.assumeTrue(cgroups.isPresent(), "memory limits need a writable memory cgroup (cgroup v1"
                + " /sys/fs/cgroup/memory or v2 with the memory controller); run the tests as root to cover them");
        harness = new Harness(dir);
    }

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void killsAnInstanceThatOutgrowsItsMemoryLimitAndSaysSo() {
        Instance instance = harness.launch(harness.spec("hog-00001-m", "python3", "-c",
                "import time; hog = b'x' * (200 * 1024 * 1024); time.sleep(60)").memory(32L << 20), new Transitions());

        awaitState(instance, InstanceState.FAILED, Duration.ofSeconds(15));
        assertThat(instance.failure()).contains("killed: out of memory (limit 32Mi) before becoming ready");
        assertThat(instance.logTail(5)).anyMatch(l -> l.contains(" nubo started pid ") && l.endsWith(" with memory limit 32Mi"));
        assertThat(cgroupOf("hog-00001-m")).doesNotExist();
    }

    @Test
    void runsTheProcessInItsOwnCgroupAndRemovesItOnStop() throws Exception {
        Instance instance = harness.launch(harness.spec("lean-00001-m", "python3", "-c", Harness.PY_SERVER)
                .memory(64L << 20), new Transitions());
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));
        long pid = instance.pid().orElseThrow();

        assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup"))).contains("/nubo/lean-00001-m");
        Path group = cgroupOf("lean-00001-m");
        assertThat(Files.readString(group.resolve("cgroup.procs"))).contains(Long.toString(pid));

        instance.stop(Duration.ofSeconds(5)).get();
        await().atMost(Duration.ofSeconds(1)).until(() -> !Files.exists(group));
    }

    private Path cgroupOf(String instanceId) {
        return switch (cgroups.orElseThrow()) {
            case CgroupV1 v1 -> v1.parent().resolve(instanceId);
            case CgroupV2 v2 -> v2.parent().resolve(instanceId);
        };
    }
}
