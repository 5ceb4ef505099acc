package dev.nubo.instances;

import static dev.nubo.instances.Harness.PY_SERVER;
import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.instances.Harness.Transitions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartingTest {

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
    void becomesReadyWhenThePortAcceptsAndAnswersOnIt() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello from python\n");
        Instance instance = harness.launch(harness.spec("py-00001-a", "python3", "-c", PY_SERVER), transitions);

        assertThat(instance.state()).isEqualTo(InstanceState.STARTING);
        transitions.awaitTo(InstanceState.READY, Duration.ofSeconds(10));

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/hello.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("hello from python\n");
        assertThat(instance.pid()).isPresent();
        assertThat(instance.readyAt()).isPresent();
        assertThat(instance.pooled()).as("started fresh").isFalse();
        assertThat(transitions.seen).singleElement().asString()
                .startsWith("STARTING -> READY: ready in ").endsWith("(TCP port " + instance.port() + ")");
        assertThat(instance.logTail(10)).anyMatch(l -> l.contains(" nubo started pid " + instance.pid().getAsLong()
                + " on port " + instance.port()));
        assertThat(harness.instances.all()).containsExactly(instance);
    }

    @Test
    void waitsForTheReadinessPathToAnswer2xx() throws Exception {
        Instance instance = harness.launch(harness.spec("py-00001-b", "python3", "-c", PY_SERVER).readinessPath("/healthz"),
                transitions);
        awaitState(instance, InstanceState.STARTING, Duration.ofSeconds(1));
        Thread.sleep(700); // serving 404 for /healthz by now
        assertThat(instance.state()).isEqualTo(InstanceState.STARTING);

        Files.writeString(dir.resolve("healthz"), "ok");
        transitions.awaitTo(InstanceState.READY, Duration.ofSeconds(5));
        assertThat(transitions.seen).singleElement().asString().endsWith("(GET /healthz)");
    }

    @Test
    void failsANewRevisionThatExitsBeforeReadyWithItsExitCodeAndStderr() {
        Instance instance = harness.launch(
                harness.spec("sh-00001-c", "sh", "-c", "echo \"boom: $GREETING\" >&2; exit 3").env(Map.of("GREETING", "hi")),
                transitions);

        transitions.awaitTo(InstanceState.FAILED, Duration.ofSeconds(5));
        assertThat(instance.failure()).contains("exited with code 3 before becoming ready");
        assertThat(transitions.seen).containsExactly("STARTING -> FAILED: exited with code 3 before becoming ready");
        assertThat(instance.logTail(10)).anyMatch(l -> l.endsWith(" stderr boom: hi"))
                .last().asString().endsWith(" nubo failed: exited with code 3 before becoming ready");
        assertThat(harness.lines).anyMatch(l -> l.stream().equals("stderr") && l.text().equals("boom: hi")
                && l.instanceId().equals("sh-00001-c"));
        assertThat(instance.pid()).isEmpty();
        assertThat(harness.instances.all()).isEmpty();
    }

    @Test
    void failsANewRevisionThatIsNotReadyWithinTheStartTimeout() {
        Instance instance = harness.launch(harness.spec("sleep-00001-d", "sleep", "300")
                .startTimeout(Duration.ofMillis(800)), transitions);
        long pid = instance.pid().orElseThrow();

        awaitState(instance, InstanceState.FAILED, Duration.ofSeconds(5));
        assertThat(instance.failure()).contains("not ready within 800ms (readiness: TCP port " + instance.port() + ")");
        assertThat(Harness.groupMembers(pid)).isEmpty();
        assertThat(instance.logTail(5)).anyMatch(l -> l.endsWith("exited with code 137 (killed by SIGKILL)"));
    }

    @Test
    void namesTheReadinessPathWhenItNeverAnswers() {
        Instance instance = harness.launch(harness.spec("py-00001-e", "python3", "-c", PY_SERVER)
                .readinessPath("/missing").startTimeout(Duration.ofSeconds(1)), transitions);

        awaitState(instance, InstanceState.FAILED, Duration.ofSeconds(6));
        assertThat(instance.failure()).contains("not ready within 1s (readiness: GET /missing)");
    }

    @Test
    void failsAtOnceWhenTheWorkDirIsMissing() {
        LaunchSpec spec = harness.spec("nodir-00001-f", "true").workDir(dir.resolve("nope")).build();
        Instance instance = harness.instances.launch(spec, transitions);

        assertThat(instance.state()).isEqualTo(InstanceState.FAILED);
        assertThat(instance.failure().orElseThrow()).startsWith("could not start: working directory ")
                .endsWith("does not exist; create it or fix the launch spec's workDir");
    }

    @Test
    void givesTheProcessOnlyTheMinimalEnvironmentPlusItsOwnAndPort() throws Exception {
        Instance instance = harness.launch(harness.spec("env-00001-g", "sh", "-c", "env | sort; exec sleep 300")
                .env(Map.of("FOO", "bar", "PORT", "1")).startTimeout(Duration.ofSeconds(30)), transitions);
        awaitState(instance, InstanceState.STARTING, Duration.ofSeconds(1));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> instance.logTail(50).stream().anyMatch(l -> l.endsWith(" stdout PORT=" + instance.port())));
        assertThat(instance.logTail(50)).anyMatch(l -> l.endsWith(" stdout FOO=bar"))
                .noneMatch(l -> l.contains(" stdout MAVEN_") || l.contains(" stdout JAVA_TOOL"))
                .anyMatch(l -> l.contains(" stdout PATH="));
    }

    @Test
    void refusesASecondInstanceWithTheSameId() {
        harness.launch(harness.spec("dup-00001-h", "sleep", "300"), transitions);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> harness.launch(harness.spec("dup-00001-h", "sleep", "300"), transitions))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instance dup-00001-h is already running (STARTING); give every instance a unique id");
    }
}
