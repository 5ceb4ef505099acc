package dev.nubo.instances;

import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLimitTest {

    @TempDir
    Path dir;

    final String scope = "memory-test-" + UUID.randomUUID().toString().substring(0, 8);
    Harness harness;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Harness.memoryLimitsWritable(), "memory limits need a writable memory cgroup (cgroup v1"
                + " /sys/fs/cgroup/memory or v2 with the memory controller); run the tests as root to cover them");
        harness = new Harness(dir, Harness.fast().withScope(scope));
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
                "import time; hog = b'x' * (200 * 1024 * 1024); time.sleep(60)").memoryBytes(32L << 20), new Transitions());

        awaitState(instance, InstanceState.FAILED, Duration.ofSeconds(15));
        assertThat(instance.failure()).contains("killed: out of memory (limit 32Mi) before becoming ready");
        assertThat(instance.logTail(5)).anyMatch(l -> l.contains(" nubo started pid ") && l.endsWith(" with memory limit 32Mi"));
        assertThat(Harness.scopeCgroups(scope)).isNotEmpty().noneMatch(c -> c.endsWith("hog-00001-m"));
    }

    /** The values of the first of {@code files} present in each group, trimmed. */
    private static List<String> limits(List<Path> groups, String... files) {
        return groups.stream().flatMap(g -> java.util.Arrays.stream(files).map(g::resolve).filter(Files::exists).limit(1))
                .map(f -> {
                    try {
                        return Files.readString(f).trim();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
    }

    @Test
    void runsTheProcessInItsOwnCgroupsAndRemovesThemOnStop() throws Exception {
        Instance instance = harness.launch(harness.spec("lean-00001-m", "python3", "-c", Harness.PY_SERVER)
                .memoryBytes(64L << 20).cpuMillis(500).processes(32), new Transitions());
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));
        long pid = instance.pid().orElseThrow();

        List<Path> groups = Harness.nuboCgroups(pid);
        assertThat(groups).isNotEmpty().allSatisfy(group -> {
            assertThat(group.toString()).contains("/nubo/" + scope + "/").endsWith("/lean-00001-m");
            assertThat(Files.readString(group.resolve("cgroup.procs"))).contains(Long.toString(pid));
        });
        assertThat(limits(groups, "memory.limit_in_bytes", "memory.max")).containsExactly(Long.toString(64L << 20));
        // Where the machine has cpu and pids controllers (v1 or v2), they hold the other limits.
        assertThat(limits(groups, "cpu.cfs_quota_us", "cpu.max")).isSubsetOf("50000", "50000 100000");
        assertThat(limits(groups, "pids.max")).isSubsetOf("32");

        instance.stop(Duration.ofSeconds(5)).get();
        await().atMost(Duration.ofSeconds(1)).until(() -> groups.stream().noneMatch(Files::exists));
    }
}
