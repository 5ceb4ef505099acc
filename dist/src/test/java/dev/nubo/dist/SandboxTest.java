package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile apps deployed through the packaged server, which runs every instance sandboxed (the
 * default): each escape they try is refused, and their limits hold. One server for all of it.
 * Needs root and bubblewrap, as a sandboxing server does; CI installs bubblewrap.
 */
class SandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void hostileAppsCannotReachTheServerOrEachOtherAndTheirLimitsHold() throws Exception {
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), "--pool-size", "1")) {
            Path home = nubo.server().home();
            assertThat(nubo.serverOutput()).contains("instances run sandboxed");
            deploy(nubo, TestNubo.app(dir, "victim", """
                    name: victim
                    runtime: process
                    command: [python3, -u, victim.py]
                    """, Map.of("victim.py", """
                    import http.server, os
                    print("victim secret in my log", flush=True)
                    http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])),
                        http.server.SimpleHTTPRequestHandler).serve_forever()
                    """)));
            deploy(nubo, TestNubo.app(dir, "hostile", """
                    name: hostile
                    runtime: process
                    command: [python3, -u, hostile.py]
                    memory: 64Mi
                    cpu: 500m
                    processes: 64
                    """, Map.of("hostile.py", Files.readString(resource("sandbox/hostile.py")))));

            JsonNode me = ask(nubo, "/whoami").get("result");
            Path ownCode = Path.of(me.get("cwd").asText());
            Path victimCode = codeDirs(home).filter(d -> !d.equals(ownCode)).findFirst().orElseThrow();
            Path victimLog = logFiles(home, "victim").findFirst().orElseThrow();
            assertThat(me.get("uid").asInt()).as("an unprivileged user of its own").isGreaterThanOrEqualTo(200_000);
            assertThat(me.get("pids")).as("only its own sandbox's processes").hasSizeLessThan(6);

            // What the server keeps: each exists, and each is refused.
            for (Path secret : List.of(home.resolve("admin.token"), home.resolve("nubo.db"), victimCode.resolve("victim.py"),
                    victimLog, Path.of("/proc", Long.toString(nubo.pid()), "environ"))) {
                assertThat(secret).as("the test can read it").isReadable();
                JsonNode read = ask(nubo, "/read?path=" + encode(secret));
                assertThat(read.get("ok").asBoolean()).as("reading %s: %s", secret, read).isFalse();
            }
            assertThat(ask(nubo, "/list?path=" + encode(home.resolve("code"))).get("result"))
                    .as("the code directories it sees: its own only").hasSize(1);
            assertThat(ask(nubo, "/write?path=" + encode(ownCode.resolve("hostile.py"))).get("error").asText())
                    .contains("Read-only file system");
            assertThat(ask(nubo, "/write?path=/sys/fs/cgroup/memory/memory.limit_in_bytes&text=-1").get("ok").asBoolean())
                    .as("lifting its own memory limit").isFalse();
            assertThat(ask(nubo, "/write?path=/tmp/scratch").get("result").asText()).as("its private /tmp").isEqualTo("written");

            // A fork bomb stops at the process limit; the server and the other service carry on.
            JsonNode bomb = ask(nubo, "/forkbomb").get("result");
            assertThat(bomb.get("started").asInt()).as("children started: %s", bomb).isLessThan(64);
            assertThat(bomb.get("refused").asText()).contains("Resource temporarily unavailable");
            assertThat(nubo.get("victim", "/").statusCode()).isEqualTo(200);
            assertThat(nubo.nubo("list").exitCode()).isZero();

            // A daemon that left its session dies with its instance.
            String tag = Long.toString(600_000 + ProcessHandle.current().pid());
            assertThat(ask(nubo, "/daemonise?tag=" + tag).get("ok").asBoolean()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> !sleepers(tag).isEmpty());

            TestNubo.CliResult describe = nubo.nubo("describe", "hostile");
            assertThat(describe.out()).contains("isolation: sandboxed (own user, read-only system, no view of the server's"
                    + " home); memory 64Mi, cpu 500m, processes 64");
            assertThat(nubo.nubo("delete", "hostile").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sleepers(tag)).as("the daemon").isEmpty());

            // A memory hog is killed by the kernel, and the log and the deploy say so.
            TestNubo.CliResult hog = nubo.nubo("deploy", TestNubo.app(dir, "hog", """
                    name: hog
                    runtime: process
                    command: [python3, -c, "import time; hog = b'x' * (200 << 20); time.sleep(600)"]
                    memory: 32Mi
                    """, Map.of()).toString());
            assertThat(hog.exitCode()).isNotZero();
            assertThat(hog.out() + hog.err()).contains("killed: out of memory (limit 32Mi)");

            // A pooled function is specialised into its sandbox before it loads: same refusals, own code readable.
            // The first start of a Python function is fresh and fills the Python pool; the second revision's takes from it.
            for (String revision : List.of("1", "2")) {
                deploy(nubo, TestNubo.app(dir.resolve(revision), "snoop", """
                        name: snoop
                        runtime: python
                        handler: main.handler
                        env: {REVISION: "%s"}
                        """.formatted(revision), Map.of("main.py", SNOOP)));
                await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(nubo.api("/v1/runtimes").body())
                        .path("pools").valueStream().anyMatch(p -> p.path("kind").asText().startsWith("python") && p.path("idle").asInt() > 0));
            }
            assertThat(nubo.nubo("logs", "snoop").out()).contains("took pooled process");
            JsonNode snoop = JSON.readTree(nubo.nubo("invoke", "snoop", "-d",
                    JSON.writeValueAsString(Map.of("token", home.resolve("admin.token").toString()))).out());
            assertThat(snoop.get("token").asText()).isEqualTo("refused: No such file or directory");
            assertThat(snoop.get("own").asText()).startsWith("import os");
            assertThat(snoop.get("uid").asInt()).isGreaterThanOrEqualTo(200_000).isNotEqualTo(me.get("uid").asInt());
        }
    }

    /** A function that tries the admin token and its own code, and says who it runs as. */
    private static final String SNOOP = """
            import os
            def handler(event, context):
                def read(path):
                    try:
                        return open(path).read()[:40]
                    except OSError as e:
                        return "refused: %s" % e.strerror
                return {"uid": os.getuid(), "token": read(event["token"]), "own": read("main.py")}
            """;

    private static void deploy(TestNubo nubo, Path app) {
        TestNubo.CliResult deploy = nubo.nubo("deploy", app.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    private static JsonNode ask(TestNubo nubo, String path) throws IOException {
        var response = nubo.get("hostile", path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String encode(Path p) {
        return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }

    private static Stream<Path> codeDirs(Path home) throws IOException {
        return Files.list(home.resolve("code")).filter(Files::isDirectory).toList().stream();
    }

    private static Stream<Path> logFiles(Path home, String service) throws IOException {
        try (Stream<Path> all = Files.walk(home.resolve("logs"))) {
            return all.filter(Files::isRegularFile).filter(f -> f.toString().contains(service)).toList().stream();
        }
    }

    /** Processes on this machine running {@code sleep TAG}, as a daemon of the hostile app does. */
    private static List<Long> sleepers(String tag) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep " + tag)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(SandboxTest.class.getResource("/" + name).toURI());
    }
}
