package dev.nubo.instances;

import static dev.nubo.instances.Harness.PY_SERVER;
import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {

    /** Listens on $PORT (so it becomes ready), then exits with 1 after 300ms. */
    static final String PY_CRASHER = "import os, socket, sys, time; s = socket.socket();"
            + " s.bind(('127.0.0.1', int(os.environ['PORT']))); s.listen(); time.sleep(0.3); sys.exit(1)";

    @TempDir
    Path dir;

    Harness harness;
    Transitions transitions = new Transitions();

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void restartsACrashedInstanceWithBackoffOnANewProcess() {
        harness = new Harness(dir);
        Instance instance = harness.launch(harness.spec("py-00001-r", "python3", "-c", PY_SERVER), transitions);
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));
        long firstPid = instance.pid().orElseThrow();

        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly(); // kill -9

        await().atMost(Duration.ofSeconds(10)).until(() -> transitions.states().size() == 4);
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(1));
        assertThat(transitions.seen).element(1).isEqualTo("READY -> BACKOFF: exited with code 137 (killed by SIGKILL)");
        assertThat(transitions.states()).containsExactly("STARTING -> READY", "READY -> BACKOFF",
                "BACKOFF -> STARTING", "STARTING -> READY");
        assertThat(instance.restarts()).isEqualTo(1);
        assertThat(instance.pid().orElseThrow()).isNotEqualTo(firstPid);
        assertThat(instance.logTail(20)).anyMatch(l -> l.endsWith(" nubo restarting in 50ms (restart 1)"));
    }

    @Test
    void anInstanceThatAsksToBeReplacedRestartsAtOnceAndIsNoCrashLoop() {
        harness = new Harness(dir, new InstancesConfig(Duration.ofSeconds(2), 2, Duration.ofMinutes(1),
                Duration.ofMillis(500), Duration.ofSeconds(1), 1 << 20, Duration.ofMillis(20)));
        Instance instance = harness.launch(harness.spec("stuck-00001-r", "python3", "-c",
                PY_CRASHER.replace("sys.exit(1)", "sys.exit(3)")), transitions);

        // Twice the crash-loop limit, without a backoff: a function runtime replacing a stuck process.
        await().atMost(Duration.ofSeconds(15)).until(() -> instance.restarts() >= 4);
        assertThat(instance.state()).isNotEqualTo(InstanceState.FAILED);
        assertThat(transitions.seen).contains("READY -> BACKOFF: exited with code 3; asked to be replaced");
        assertThat(instance.logTail(40)).anyMatch(l -> l.endsWith(" nubo restarting in 0s (restart 1)"));
    }

    @Test
    void failsACrashLoopAfterTooManyRestartsWithinTheWindow() {
        harness = new Harness(dir, new InstancesConfig(Duration.ofSeconds(2), 2, Duration.ofMinutes(1),
                Duration.ofMillis(50), Duration.ofSeconds(1), 1 << 20, Duration.ofMillis(20)));
        Instance instance = harness.launch(harness.spec("crash-00001-l", "python3", "-c", PY_CRASHER), transitions);

        transitions.awaitTo(InstanceState.FAILED, Duration.ofSeconds(15));
        assertThat(instance.failure()).contains("crash loop: exited 3 times in 1m; last: exited with code 1");
        assertThat(transitions.states()).containsExactly(
                "STARTING -> READY", "READY -> BACKOFF", "BACKOFF -> STARTING",
                "STARTING -> READY", "READY -> BACKOFF", "BACKOFF -> STARTING",
                "STARTING -> READY", "READY -> FAILED");
        assertThat(instance.restarts()).isEqualTo(2);
        assertThat(instance.logTail(100)).filteredOn(l -> l.contains(" nubo restarting"))
                .map(l -> l.substring(l.indexOf(" nubo ") + 6))
                .containsExactly("restarting in 50ms (restart 1)", "restarting in 100ms (restart 2)");
    }

    @Test
    void retriesFailedStartsOfAProvenRevision() {
        harness = new Harness(dir, new InstancesConfig(Duration.ofSeconds(2), 1, Duration.ofMinutes(1),
                Duration.ofMillis(50), Duration.ofSeconds(1), 1 << 20, Duration.ofMillis(20)));
        Instance instance = harness.launch(harness.spec("proven-00001-p", "sh", "-c", "exit 2").proven(true), transitions);

        transitions.awaitTo(InstanceState.FAILED, Duration.ofSeconds(10));
        assertThat(transitions.seen).containsExactly(
                "STARTING -> BACKOFF: exited with code 2 before becoming ready",
                "BACKOFF -> STARTING: restart 1",
                "STARTING -> FAILED: crash loop: exited 2 times in 1m; last: exited with code 2 before becoming ready");
    }

    @Test
    void stoppingDuringBackoffCancelsTheRestartAndCompletesAtOnce() throws Exception {
        Instance instance = crashIntoALongBackoff("stopbo-00001-b");

        instance.stop(Duration.ofSeconds(5)).get(1, TimeUnit.SECONDS);

        assertThat(instance.state()).isEqualTo(InstanceState.STOPPED);
        assertThat(transitions.seen).last().isEqualTo("BACKOFF -> STOPPED: stopped");
        assertThat(instance.restarts()).isZero();
    }

    @Test
    void drainingDuringBackoffCancelsTheRestart() throws Exception {
        Instance instance = crashIntoALongBackoff("drainbo-00001-b");

        instance.drain();
        instance.stop(Duration.ofSeconds(5)).get(1, TimeUnit.SECONDS);

        assertThat(transitions.states()).endsWith("READY -> BACKOFF", "BACKOFF -> DRAINING", "DRAINING -> STOPPED");
        assertThat(instance.restarts()).isZero();
    }

    private Instance crashIntoALongBackoff(String id) {
        harness = new Harness(dir, new InstancesConfig(Duration.ofSeconds(2), 5, Duration.ofMinutes(1),
                Duration.ofSeconds(30), Duration.ofSeconds(30), 1 << 20, Duration.ofMillis(20)));
        Instance instance = harness.launch(harness.spec(id, "python3", "-c", PY_SERVER), transitions);
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));
        ProcessHandle.of(instance.pid().orElseThrow()).orElseThrow().destroyForcibly();
        awaitState(instance, InstanceState.BACKOFF, Duration.ofSeconds(5));
        return instance;
    }
}
