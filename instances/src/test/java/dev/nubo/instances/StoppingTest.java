package dev.nubo.instances;

import static dev.nubo.instances.Harness.PY_SERVER;
import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoppingTest {

    @TempDir
    Path dir;

    Harness harness;
    Transitions transitions = new Transitions();

    @BeforeEach
    void setUp() {
        harness = new Harness(dir);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void stopKillsTheWholeProcessGroupIncludingChildren() throws Exception {
        // The shell's children: a background sleep, and python (exec'd into the shell's place).
        Instance instance = harness.launch(harness.spec("group-00001-s", "sh", "-c",
                "sleep 300 & exec python3 -c \"" + PY_SERVER + "\""), transitions);
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));
        long pgid = instance.pid().orElseThrow();
        assertThat(Harness.groupMembers(pgid)).hasSizeGreaterThanOrEqualTo(2).contains(pgid);

        instance.stop(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

        assertThat(instance.state()).isEqualTo(InstanceState.STOPPED);
        assertThat(Harness.groupMembers(pgid)).isEmpty();
        assertThat(transitions.seen).last().isEqualTo("READY -> STOPPED: stopped");
        assertThat(instance.logTail(3)).anyMatch(l -> l.contains(" nubo stopping: SIGTERM to process group " + pgid));
        await().atMost(Duration.ofSeconds(2)).until(() -> Harness.liveThreads("nubo-log-group-00001-s").isEmpty());
        assertThat(harness.instances.all()).isEmpty();
    }

    @Test
    void stopIsIdempotentAndImmediateOnceTheProcessIsGone() throws Exception {
        Instance instance = harness.launch(harness.spec("idem-00001-i", "sleep", "300"), transitions);
        CompletableFuture<Void> first = instance.stop(Duration.ofSeconds(5));

        assertThat(instance.stop(Duration.ofSeconds(5))).isSameAs(first);
        first.get(5, TimeUnit.SECONDS);
        assertThat(instance.stop(Duration.ofSeconds(5))).isDone();
        assertThat(transitions.seen).containsExactly("STARTING -> STOPPED: stopped");
    }

    @Test
    void sigkillsAProcessThatIgnoresSigtermAfterTheGrace() throws Exception {
        String stubborn = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); " + PY_SERVER;
        Instance instance = harness.launch(harness.spec("stubborn-00001-k", "python3", "-c", stubborn), transitions);
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));

        long started = System.nanoTime();
        instance.stop(Duration.ofMillis(500)).get(10, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(instance.logTail(5)).anyMatch(l -> l.endsWith(" nubo still running 500ms after SIGTERM; sending SIGKILL"))
                .anyMatch(l -> l.endsWith(" nubo exited with code 137 (killed by SIGKILL)"));
    }

    @Test
    void aDrainedInstanceIsNeverRestarted() {
        Instance instance = harness.launch(harness.spec("drain-00001-d", "python3", "-c", PY_SERVER), transitions);
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));

        instance.drain();
        assertThat(instance.state()).isEqualTo(InstanceState.DRAINING);
        ProcessHandle.of(instance.pid().orElseThrow()).orElseThrow().destroyForcibly();

        transitions.awaitTo(InstanceState.STOPPED, Duration.ofSeconds(5));
        assertThat(transitions.states()).containsExactly("STARTING -> READY", "READY -> DRAINING", "DRAINING -> STOPPED");
        assertThat(transitions.seen).last()
                .isEqualTo("DRAINING -> STOPPED: exited with code 137 (killed by SIGKILL) while draining");
        assertThat(instance.restarts()).isZero();
    }

    @Test
    void closeStopsEveryInstance() {
        Instance a = harness.launch(harness.spec("close-00001-a", "sleep", "300"), transitions);
        Instance b = harness.launch(harness.spec("close-00001-b", "sh", "-c", "sleep 300 & sleep 300"), transitions);
        long pa = a.pid().orElseThrow();
        long pb = b.pid().orElseThrow();

        harness.close();

        assertThat(a.state()).isEqualTo(InstanceState.STOPPED);
        assertThat(b.state()).isEqualTo(InstanceState.STOPPED);
        assertThat(Harness.groupMembers(pa)).isEmpty();
        assertThat(Harness.groupMembers(pb)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> harness.launch(harness.spec("late-1", "true"), transitions))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot launch late-1: Instances is closed; launch on a new Instances");
    }
}
