package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From source to URL with real builds: projects made by {@code nubo init}, built where the CLI
 * runs (Maven, npm) or on the server (from git), deployed and called; {@code nubo dev} redeploying
 * a save; failed builds. One Maven build of the Java template per run (the Spring Boot and
 * java-lambda templates build the same way and are left to bench/devloop.sh and the docs' walkthrough,
 * for time).
 */
class SourceToUrlTest {

    @TempDir
    static Path home;

    @TempDir
    static Path work;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 1);
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void everyNodeAndPythonTemplateDeploysAsItIsAndAnswers() {
        for (String kind : List.of("node", "node-function", "python", "python-function")) {
            Path dir = work.resolve("t-" + kind);
            ok(TestNubo.cli("init", kind, dir.toString()));
            ok(nubo.nubo("deploy", dir.toString()));

            HttpResponse<String> answer = kind.endsWith("function")
                    ? nubo.post("t-" + kind, "/", "{\"name\": \"Ada\"}") : nubo.get("t-" + kind, "/?name=Ada");

            assertThat(answer.statusCode()).as(kind + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.body()).as(kind).contains("\"message\":", "Hello, Ada");
        }
    }

    /**
     * The other two Maven templates, each built by its own {@code mvn package} (its unit test included)
     * on deploy; the two deploys run at once, as two terminals would, to take less of the suite's time.
     */
    @Test
    void theJavaLambdaAndSpringBootTemplatesBuildDeployAsTheyAreAndAnswer() {
        Path lambda = work.resolve("t-java-lambda");
        Path spring = work.resolve("t-spring-boot");
        ok(TestNubo.cli("init", "java-lambda", lambda.toString()));
        ok(TestNubo.cli("init", "spring-boot", spring.toString()));

        var lambdaDeployed = java.util.concurrent.CompletableFuture.supplyAsync(() -> nubo.nubo("deploy", lambda.toString()));
        TestNubo.CliResult springDeploy = ok(nubo.nubo("deploy", spring.toString()));
        TestNubo.CliResult lambdaDeploy = ok(lambdaDeployed.join());

        assertThat(lambdaDeploy.out()).contains("building: Maven", "✓ built in ");
        assertThat(nubo.get("t-java-lambda", "/?name=Ada").body()).isEqualTo("{\"message\":\"Hello, Ada\"}");
        assertThat(springDeploy.out()).contains("building: Maven", "✓ built in ");
        assertThat(nubo.get("t-spring-boot", "/?name=Ada").body()).isEqualTo("{\"message\":\"Hello, Ada\"}");
    }

    @Test
    void aNodeFunctionGetsItsNpmDependencyInstalledAndUploaded() throws Exception {
        Path pkg = Files.createDirectories(work.resolve("registry/shout"));
        Files.writeString(pkg.resolve("package.json"), "{\"name\": \"shout\", \"version\": \"1.0.0\", \"main\": \"index.js\"}");
        Files.writeString(pkg.resolve("index.js"), "module.exports = (s) => s.toUpperCase() + '!';");
        // A tarball on disk stands in for the registry: npm installs it exactly as a download.
        run(pkg.getParent(), "npm", "pack", "--silent", pkg.toString());
        Path dir = work.resolve("with-npm");
        ok(TestNubo.cli("init", "node-function", dir.toString()));
        Files.writeString(dir.resolve("package.json"), Files.readString(dir.resolve("package.json")).replace("\"dependencies\": {}",
                "\"dependencies\": {\"shout\": \"file:" + pkg.resolveSibling("shout-1.0.0.tgz") + "\"}"));
        Files.writeString(dir.resolve("index.js"), "const shout = require('shout');\n"
                + "exports.handler = async (event) => ({ message: shout('hello ' + JSON.parse(event.body).name) });\n");

        TestNubo.CliResult deploy = ok(nubo.nubo("deploy", dir.toString()));

        assertThat(deploy.out()).contains("building: npm", "npm ci --omit=dev");
        assertThat(nubo.post("with-npm", "/", "{\"name\": \"ada\"}").body()).isEqualTo("{\"message\":\"HELLO ADA!\"}");
        assertThat(dir.resolve("node_modules")).as("the user's own node_modules is left alone").doesNotExist();
    }

    @Test
    void aFailedBuildStopsTheDeployWithItsLastLinesAndTheServiceIsNotCreated() throws IOException {
        Path dir = work.resolve("broken");
        ok(TestNubo.cli("init", "python-function", dir.toString()));
        Files.writeString(dir.resolve("nubo.yaml"), Files.readString(dir.resolve("nubo.yaml"))
                + "build:\n  command: python3 -m py_compile main.py\n");
        Files.writeString(dir.resolve("main.py"), "def handler(event, context)\n    return {}\n");

        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());

        assertThat(deploy.exitCode()).isEqualTo(1);
        assertThat(deploy.err()).startsWith("error: the build failed: `sh -c python3 -m py_compile main.py` exited with an"
                + " error; its last lines:\n").contains("SyntaxError").endsWith(
                "hint: fix the build (its last lines are above), or `build.command` in nubo.yaml\n");
        assertThat(nubo.nubo("describe", "broken").err()).contains("no service named broken");
    }

    /**
     * The Java template with a library of its own, a Jackson older than Nubo's: built by Maven, it loads
     * its Jackson in a pooled JVM. {@code nubo dev} deploys it (its first round is a whole deploy, so the
     * test builds it once): a save is compiled alone and served; a save that does not compile is
     * reported and the previous revision keeps serving.
     */
    @Test
    void aJavaFunctionWithItsOwnJacksonBuildsDeploysAndReloadsOnSave() throws Exception {
        Path dir = work.resolve("jackson-fn");
        ok(TestNubo.cli("init", "java", dir.toString()));
        Path pom = dir.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("  </dependencies>", "    <dependency><groupId>com.fasterxml.jackson.core"
                + "</groupId><artifactId>jackson-databind</artifactId><version>2.17.2</version></dependency>\n  </dependencies>"));
        Path hello = dir.resolve("src/main/java/com/example/Hello.java");
        Files.writeString(hello, """
                package com.example;

                import com.fasterxml.jackson.databind.ObjectMapper;
                import dev.nubo.function.*;
                import java.util.Map;

                public class Hello implements HttpHandler {
                    @Override
                    public HttpResponse handle(HttpRequest request, Context context) throws Exception {
                        String version = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
                        System.out.println("served with Jackson " + version);
                        return HttpResponse.of(200, "application/json",
                                new ObjectMapper().writeValueAsString(Map.of("greeting", "Hello", "jackson", version)));
                    }
                }
                """);
        Files.delete(dir.resolve("src/test/java/com/example/HelloTest.java"));

        Path log = work.resolve("dev.log");
        ProcessBuilder shipped = new ProcessBuilder("bash", TestNubo.repository().resolve("dist/target/bin/nubo").toString(), "dev",
                dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        shipped.environment().put("NUBO_HOME", home.toString()); // finds the server as a user's CLI does
        shipped.environment().keySet().removeAll(List.of("NUBO_SERVER", "NUBO_TOKEN"));
        Process dev = shipped.start();
        try {
            // nubo dev's first round is a whole deploy: the Maven build, the upload, the revision.
            awaitLine(log, dev, "watching ", Duration.ofMinutes(3));
            assertThat(Files.readString(log)).contains("building: Maven", "✓ built in ", "from the prewarmed pool")
                    .containsPattern("URL: http://jackson-fn\\.\\S+\\n").containsPattern("✓ serving jackson-fn-00001 .* after the start");
            assertThat(dir.resolve("target/lib/jackson-databind-2.17.2.jar")).exists();
            assertThat(nubo.get("jackson-fn", "/").body()).contains("\"jackson\":\"2.17.2\"", "\"greeting\":\"Hello\"");
            // Its logs follow in the same terminal, from when the stream connects: call until a call shows.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    nubo.get("jackson-fn", "/").statusCode() == 200 && Files.readString(log).lines()
                            .anyMatch(line -> line.contains("│") && line.contains("served with Jackson 2.17.2")));

            Files.writeString(hello, Files.readString(hello).replace("\"Hello\"", "\"Saved\""));
            await().atMost(Duration.ofSeconds(60)).until(() -> nubo.get("jackson-fn", "/").body().contains("Saved"));
            assertThat(Files.readString(log)).contains("changed: src/main/java/com/example/Hello.java",
                    "$ javac src/main/java/com/example/Hello.java").containsPattern("✓ serving jackson-fn-\\d+ \\d+.* after the save");

            Files.writeString(hello, Files.readString(hello) + "oops");
            awaitLine(log, dev, "✗ the Java sources do not compile", Duration.ofSeconds(60));
            assertThat(Files.readString(log)).contains("Hello.java:", "error:", "fix the error above and save again");
            assertThat(nubo.get("jackson-fn", "/").body()).contains("Saved");
        } finally {
            dev.destroy();
            dev.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void deploysFromALocalGitRepositoryAndRedeploysOnAPushToItsBranch() throws Exception {
        Path origin = work.resolve("origin.git");
        Path clone = work.resolve("clone");
        run(work, "git", "init", "-q", "--bare", origin.toString());
        run(work, "git", "init", "-q", clone.toString());
        ok(TestNubo.cli("init", "python-function", clone.resolve("services/fn").toString(), "--name", "from-git"));
        commitAndPush(clone, "first");

        TestNubo.CliResult deploy = ok(nubo.nubo("deploy", "--git", origin + "#main", "--path", "services/fn"));

        assertThat(deploy.out()).contains("building " + origin + "#main (services/fn) on the server", "$ git clone",
                "✓ built commit ", "✓ revision from-git-00001 created");
        assertThat(nubo.post("from-git", "/", "{\"name\": \"Ada\"}").body()).isEqualTo("{\"message\":\"Hello, Ada\"}");
        Matcher webhook = Pattern.compile("push webhook: POST (\\S+) redeploys it on a push to main").matcher(deploy.out());
        assertThat(webhook.find()).as(deploy.out()).isTrue();

        // What a git server's post-receive hook (or a forge's push webhook) does: POST the pushed ref.
        Path hook = origin.resolve("hooks/post-receive");
        Files.writeString(hook, "#!/bin/sh\nwhile read old new ref; do curl -s -X POST -H 'Content-Type: application/json'"
                + " -d \"{\\\"ref\\\": \\\"$ref\\\"}\" '" + webhook.group(1) + "'; done\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path main = clone.resolve("services/fn/main.py");
        Files.writeString(main, Files.readString(main).replace("Hello, ", "Pushed, "));

        String pushed = commitAndPush(clone, "second");

        assertThat(pushed).contains("redeploying from-git from " + origin + "#main");
        await().atMost(Duration.ofSeconds(60)).until(() -> nubo.post("from-git", "/", "{\"name\": \"Ada\"}").body().contains("Pushed"));
        assertThat(nubo.nubo("describe", "from-git").out()).contains("from-git-00002 built from git " + origin + "#main at ");

        assertThat(run(clone, "git", "push", "-q", origin.toString(), "HEAD:other")).contains("ignored: a push to refs/heads/other;"
                + " from-git follows main");
        HttpResponse<String> forged = nubo.api("POST", "/v1/git/from-git/push?token=wrong", "", HttpRequest.BodyPublishers.noBody());
        assertThat(forged.statusCode()).isEqualTo(404);
    }

    /**
     * {@code nubo debug}: a Java function's debug instance takes JDWP on loopback; while a debugger holds
     * it (the whole JVM suspended, as at a breakpoint) a request to {@code debug-NAME} outlives the
     * service's 1 s timeout, the service's own URL keeps answering from its ordinary instance, and the
     * debug instance is none of the revision's; Ctrl-C ends the session.
     */
    @Test
    void debugsAJavaFunctionOverJdwpWithTimeoutsSuspended() throws Exception {
        Path dir = work.resolve("dbg-java");
        copy(TestNubo.example("hello-java"), dir);
        Files.writeString(dir.resolve("nubo.yaml"), Files.readString(dir.resolve("nubo.yaml"))
                .replace("name: hello-java", "name: dbg-java\ntimeout: 1s"));
        ok(nubo.nubo("deploy", dir.toString()));
        Path log = work.resolve("debug.log");
        ProcessBuilder shipped = new ProcessBuilder("bash", TestNubo.repository().resolve("dist/target/bin/nubo").toString(),
                "debug", "dbg-java").redirectErrorStream(true).redirectOutput(log.toFile());
        shipped.environment().put("NUBO_HOME", home.toString());
        shipped.environment().keySet().removeAll(List.of("NUBO_SERVER", "NUBO_TOKEN"));
        Process debug = shipped.start();
        try {
            awaitLine(log, debug, "Ctrl-C ends the session", Duration.ofSeconds(60));
            Matcher jdwp = Pattern.compile("✓ dbg-java-00001-debug ready: JDWP on 127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(log));
            assertThat(jdwp.find()).as(Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).contains("requests: http://debug-dbg-java." + nubo.server().domain());

            com.sun.jdi.VirtualMachine vm = attach(Integer.parseInt(jdwp.group(1)));
            vm.suspend();
            var held = java.util.concurrent.CompletableFuture.supplyAsync(() -> nubo.post("debug-dbg-java", "/", "{\"name\":\"Bug\"}"));
            Thread.sleep(2500);
            assertThat(held).as("held at the 'breakpoint', past the service's 1 s timeout").isNotDone();
            assertThat(nubo.post("dbg-java", "/", "{\"name\":\"Ada\"}").statusCode()).as("the service's own URL").isEqualTo(200);
            vm.resume();
            vm.dispose();
            assertThat(held.get(20, TimeUnit.SECONDS).body()).contains("Hello, Bug");
            assertThat(nubo.nubo("describe", "dbg-java").out()).doesNotContain("-debug");
        } finally {
            debug.destroy();
            debug.waitFor(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> nubo.api("/v1/services/dbg-java/debug").statusCode() == 404);
        assertThat(nubo.post("debug-dbg-java", "/", "{}").statusCode()).isEqualTo(404);
    }

    /** {@code nubo debug}'s API for a Node function: an instance with the inspector on loopback, which a debugger finds. */
    @Test
    void debugsANodeFunctionThroughTheInspector() throws Exception {
        Path dir = work.resolve("dbg-node");
        ok(TestNubo.cli("init", "node-function", dir.toString()));
        ok(nubo.nubo("deploy", dir.toString()));

        HttpResponse<String> started = nubo.api("POST", "/v1/services/dbg-node/debug", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.ofString("{}"), "application/json");

        assertThat(started.statusCode()).as(started.body()).isIn(200, 201);
        assertThat(started.body()).contains("\"protocol\":\"Node inspector\"", "\"debugHost\":\"127.0.0.1\"", "chrome://inspect");
        Matcher port = Pattern.compile("\"debugPort\":(\\d+)").matcher(started.body());
        assertThat(port.find()).isTrue();
        // What chrome://inspect and IDEs ask first: the inspector's list of targets, each with its WebSocket.
        // (HTTP/1.1 without an h2c upgrade, which the inspector takes for a WebSocket handshake.)
        String targets = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(targets).contains("\"webSocketDebuggerUrl\"");
        assertThat(nubo.post("debug-dbg-node", "/", "{\"name\": \"Bug\"}").body()).contains("Hello, Bug");

        assertThat(nubo.api("DELETE", "/v1/services/dbg-node/debug", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody())
                .body()).contains("\"ended\":true");
        assertThat(nubo.post("debug-dbg-node", "/", "{}").statusCode()).isEqualTo(404);
    }

    private static com.sun.jdi.VirtualMachine attach(int port) throws Exception {
        var connector = com.sun.jdi.Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.transport().name().equals("dt_socket")).findFirst().orElseThrow();
        var arguments = connector.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(Integer.toString(port));
        return connector.attach(arguments);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static String commitAndPush(Path clone, String message) throws Exception {
        run(clone, "git", "add", "-A");
        run(clone, "git", "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", message);
        return run(clone, "git", "push", "-q", work.resolve("origin.git").toString(), "HEAD:main");
    }

    private static TestNubo.CliResult ok(TestNubo.CliResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    private static void awaitLine(Path log, Process process, String text, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            String out = Files.readString(log);
            if (!process.isAlive()) {
                throw new AssertionError("nubo dev exited with " + process.exitValue() + ":\n" + out);
            }
            return out.contains(text);
        });
    }
}
