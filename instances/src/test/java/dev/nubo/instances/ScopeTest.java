package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Servers on one machine, each in its own cgroup scope: neither touches the other's processes. */
class ScopeTest {

    @TempDir
    Path dir;

    final String tag = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Harness.cgroupsWritable(), Harness.NO_CGROUPS);
    }

    @Test
    void twoServersWithPoolsOfTheSameKindKeepEachOthersProcessesAlive() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        try (Harness first = new Harness(a, Harness.fast().withScope("scope-test-a-" + tag));
                Harness second = new Harness(b, Harness.fast().withScope("scope-test-b-" + tag))) {
            // The same key and memory size in both, as two servers prewarming Python at 64Mi would.
            first.instances.prewarm(warm(a));
            awaitIdle(first, 2);
            Set<Long> firsts = running(a.resolve("runtime.py"));
            assertThat(firsts).hasSize(2);

            second.instances.prewarm(warm(b));
            awaitIdle(second, 2);

            assertThat(firsts).allSatisfy(pid -> assertThat(Harness.alive(pid)).as("pooled process %d", pid).isTrue());
            assertThat(first.instances.pools()).singleElement().satisfies(p -> {
                assertThat(p.idle()).isEqualTo(2);
                assertThat(p.givenUp()).isFalse();
            });
            assertThat(firsts).allSatisfy(pid -> assertThat(Harness.nuboCgroups(pid)).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.toString()).contains("/nubo/scope-test-a-" + tag + "/")));
        }
    }

    @Test
    void aServerRemovesWhatAnEarlierRunOfItsScopeLeftAndNothingOfAnotherScope() throws Exception {
        String scope = "scope-test-s-" + tag;
        // Earlier runs that died with their watchdog, so nobody swept their cgroups: one of this
        // scope, one of another; a process left in each.
        Cgroups earlier = Cgroups.detect(Harness.CGROUP_ROOT, scope).orElseThrow();
        Cgroups another = Cgroups.detect(Harness.CGROUP_ROOT, "scope-test-o-" + tag).orElseThrow();
        Process leftover = sleepIn(earlier.create("svc-00001-x", new Limits(64L << 20, 0, 0)));
        Process foreign = sleepIn(another.create("svc-00001-x", new Limits(64L << 20, 0, 0)));
        try (Harness restarted = new Harness(dir, Harness.fast().withScope(scope))) {
            assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).as("the earlier run's process is killed").isTrue();
            assertThat(earlier.runs()).isNotEmpty().noneMatch(Files::exists);
            assertThat(foreign.isAlive()).as("the other scope's process").isTrue();
            assertThat(another.runs()).isNotEmpty().allMatch(run -> Files.exists(run.resolve("svc-00001-x")));
        } finally {
            foreign.destroyForcibly();
            for (Path run : another.runs()) {
                Cgroup.killAll(run);
                Cgroup.removeTree(run.getParent());
            }
        }
    }

    /** A sleep that has joined {@code cgroup}. */
    private Process sleepIn(Cgroup cgroup) throws IOException {
        Process sleep = InstanceProcess.spawn(List.of("sleep", "300"), Instances.inheritedEnv(System.getenv()), Map.of(),
                dir, new Host.Confinement(Optional.of(cgroup), Optional.empty()));
        await().atMost(Duration.ofSeconds(5)).until(() -> Cgroup.members(cgroup.tracked()).contains(sleep.pid()));
        return sleep;
    }

    static WarmStart warm(Path dir) throws IOException {
        Files.writeString(dir.resolve("runtime.py"), WarmPoolTest.RUNTIME);
        return new WarmStart("py-64Mi", List.of("python3", dir.resolve("runtime.py").toString()), Map.of(), dir,
                64L << 20, 2);
    }

    static void awaitIdle(Harness harness, int count) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(harness.instances.pools())
                .singleElement().extracting(Instances.PoolStatus::idle).isEqualTo(count));
    }

    /** Living processes with {@code script} on their command line. */
    static Set<Long> running(Path script) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> Stream.of(args).anyMatch(script.toString()::equals)).orElse(false))
                .map(ProcessHandle::pid)
                .filter(Harness::alive)
                .collect(Collectors.toSet());
    }
}
