package dev.nubo.instances;

import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool of prewarmed processes, with a small Python runtime that speaks the specialisation
 * protocol: it prints a line, reads NAME=VALUE entries from stdin until an empty one, then serves
 * its pid, its start time and the variables it was handed on $PORT from the new environment.
 */
class WarmPoolTest {

    static final String RUNTIME = """
            import http.server, os, sys, time
            started = time.time()
            print('warmed up pid', os.getpid(), flush=True)
            data = b''
            while not data.endswith(b'\\0\\0') and not data == b'\\0':
                chunk = sys.stdin.buffer.read(1)
                if not chunk:
                    sys.exit(0)
                data += chunk
            for entry in data.split(b'\\0'):
                if entry:
                    name, value = entry.decode().split('=', 1)
                    os.environ[name] = value
            os.chdir(os.environ['NUBO_WORKDIR'])
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = ('%d %s %s %s' % (os.getpid(), started, os.environ.get('GREETING'), os.getcwd())).encode()
                    self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers()
                    self.wfile.write(body)
            http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()
            """;

    @TempDir
    Path dir;

    Harness harness;
    Path code;

    @BeforeEach
    void setUp() throws Exception {
        harness = new Harness(dir);
        code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(dir.resolve("runtime.py"), RUNTIME);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    WarmStart warm(int size) {
        return new WarmStart("py-test", List.of("python3", dir.resolve("runtime.py").toString()), Map.of(), dir, 0, size);
    }

    Instance launch(String id, WarmStart warm, Map<String, String> env) {
        // The fresh command fails loudly, so a test sees when the pool was not used.
        return harness.instances.launch(Harness.spec(code, id, List.of("sh", "-c", "echo fresh start >&2; exit 7"))
                .env(env).logFile(dir.resolve(id + ".log")).warmStart(Optional.of(warm)).build(), new Transitions());
    }

    static String get(Instance instance) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** This JVM's children running the test runtime: the pool's processes and those they became. */
    static Set<Long> pooledPids() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("runtime.py"))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    void awaitIdle(int count) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(harness.instances.pools())
                .singleElement().extracting(Instances.PoolStatus::idle).isEqualTo(count));
    }

    @Test
    void aLaunchTakesAPrewarmedProcessAndHandsItTheFunction() throws Exception {
        WarmStart warm = warm(1);
        harness.instances.prewarm(warm);
        awaitIdle(1);
        Set<Long> pooled = pooledPids();
        assertThat(pooled).hasSize(1);

        Instance instance = launch("svc-00001-a", warm, Map.of("GREETING", "hello = world\nline two"));
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(10));

        String[] served = get(instance).split(" ", 3);
        // Running before the launch: the process came from the pool, not from the failing fresh command.
        assertThat(instance.pid().getAsLong()).isIn(pooled);
        assertThat(instance.pooled()).isTrue();
        assertThat(Long.parseLong(served[0])).isEqualTo(instance.pid().getAsLong());
        assertThat(served[2]).isEqualTo("hello = world\nline two " + code.toRealPath());
        // What it printed while it waited in the pool is in the instance's log too.
        assertThat(instance.logTail(20))
                .anyMatch(l -> l.contains("nubo took pooled process pool-py-test-"))
                .anyMatch(l -> l.contains("stdout warmed up pid " + instance.pid().getAsLong()))
                .noneMatch(l -> l.contains("fresh start"));
        awaitIdle(1); // refilled in the background
    }

    @Test
    void aPooledProcessServesOneInstanceOnlyAndEndsWithIt() throws Exception {
        WarmStart warm = warm(2);
        harness.instances.prewarm(warm);
        awaitIdle(2);
        Instance first = launch("svc-00001-a", warm, Map.of("GREETING", "first"));
        Instance second = launch("svc-00001-b", warm, Map.of("GREETING", "second"));
        awaitState(first, InstanceState.READY, Duration.ofSeconds(10));
        awaitState(second, InstanceState.READY, Duration.ofSeconds(10));
        long firstPid = first.pid().getAsLong();
        assertThat(second.pid().getAsLong()).isNotEqualTo(firstPid);
        assertThat(get(first)).contains(" first ");
        assertThat(get(second)).contains(" second ");

        first.stop(Duration.ofSeconds(2)).get();
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        awaitIdle(2);
        Instance third = launch("svc-00001-c", warm, Map.of("GREETING", "third"));
        awaitState(third, InstanceState.READY, Duration.ofSeconds(10));
        assertThat(third.pid().getAsLong()).isNotIn(firstPid, second.pid().getAsLong());
    }

    @Test
    void anEmptyPoolFallsBackToAFreshStart() {
        Instance instance = launch("svc-00001-a", warm(0), Map.of());
        awaitState(instance, InstanceState.FAILED, Duration.ofSeconds(10));
        assertThat(instance.logTail(10)).anyMatch(l -> l.contains("fresh start"));
    }

    @Test
    void aKindWhoseProcessesKeepDyingIsNoLongerRefilled() throws Exception {
        Files.writeString(dir.resolve("runtime.py"), "import sys; print('broken runtime', flush=True); sys.exit(3)\n");
        harness.instances.prewarm(warm(1));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.instances.pools())
                .singleElement().extracting(Instances.PoolStatus::givenUp).isEqualTo(true));
        assertThat(harness.instances.pools().getFirst().idle()).isZero();
    }

    @Test
    void closingKillsIdleProcesses() {
        harness.instances.prewarm(warm(2));
        awaitIdle(2);
        Set<Long> pooled = pooledPids();
        assertThat(pooled).hasSize(2);

        harness.instances.close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pooled)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse()));
    }
}
