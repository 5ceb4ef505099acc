package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.cli.CannedApi.Received;
import dev.nubo.cli.CannedApi.Run;
import dev.nubo.model.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DeployTest {

    static final String REVISION_PATH = "/v1/services/hello-java/revisions/hello-java-00003";

    @TempDir
    Path home;

    @TempDir
    Path service;

    CannedApi api;

    @BeforeEach
    void start() throws IOException {
        api = new CannedApi().on("POST", "/v1/deployments", new CannedApi.Reply(201, "application/json", Samples.DEPLOYMENT));
        Files.writeString(service.resolve("nubo.yaml"), "name: hello-java\nruntime: java\n");
        Files.createDirectories(service.resolve("target/classes"));
        Files.writeString(service.resolve("target/classes/Hello.class"), "bytes");
        Files.createDirectories(service.resolve(".git"));
        Files.writeString(service.resolve(".git/HEAD"), "ref: refs/heads/main");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void uploadsTheDirectoryAsAZipWithItsDescriptorAndWithoutGit() throws IOException {
        api.on("GET", REVISION_PATH, json(Samples.revision("hello-java-00003", "DEPLOYING", false, "")));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString(), "--no-wait");

        assertThat(run.exit()).isZero();
        Received upload = api.last("POST", "/v1/deployments").orElseThrow();
        assertThat(upload.header("Content-Type")).isEqualTo("application/zip");
        assertThat(upload.header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(unzip(upload.body()))
                .containsOnlyKeys("nubo.yaml", "target/classes/Hello.class")
                .containsEntry("nubo.yaml", "name: hello-java\nruntime: java\n");
    }

    @Test
    void runsTheBuildFirstAndStreamsItsOutputUnderTheProgress() throws IOException {
        Files.writeString(service.resolve("nubo.yaml"), "name: hello-java\nruntime: process\ncommand: [sh, run.sh]\n"
                + "build: {command: 'echo compiling; echo made > made.txt', output: made.txt}\n");
        api.on("GET", REVISION_PATH, json(Samples.revision("hello-java-00003", "DEPLOYING", false, "")));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString(), "--no-wait");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("""
                … building: build.command (echo compiling; echo made > made.txt)
                  $ sh -c echo compiling; echo made > made.txt
                  compiling
                ✓ built in """);
        assertThat(unzip(api.last("POST", "/v1/deployments").orElseThrow().body())).containsEntry("made.txt", "made\n");
    }

    @Test
    void aFailedBuildStopsTheDeployWithItsLastLinesAndUploadsNothing() throws IOException {
        Files.writeString(service.resolve("nubo.yaml"), "name: hello-java\nruntime: process\ncommand: [sh, run.sh]\n"
                + "build: {command: 'echo \"Hello.java:3: error: missing semicolon\" >&2; exit 1'}\n");

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("✗ the build failed: `sh -c echo \"Hello.java:3: error: missing semicolon\" >&2; exit 1`"
                + " exited with an error");
        assertThat(run.err()).isEqualTo("""
                error: the build failed: `sh -c echo "Hello.java:3: error: missing semicolon" >&2; exit 1` exited with an error; its last lines:
                    Hello.java:3: error: missing semicolon
                hint: fix the build (its last lines are above), or `build.command` in nubo.yaml
                """);
        assertThat(api.last("POST", "/v1/deployments")).isEmpty();
    }

    @Test
    void aMalformedBuildSectionIsReportedBeforeAnythingIsSent() throws IOException {
        Files.writeString(service.resolve("nubo.yaml"), "name: hello-java\nruntime: process\ncommand: [sh, run.sh]\nbuild: [make]\n");

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: nubo.yaml: `build` must be a mapping or `none`, found a list\nhint: e.g. ");
        assertThat(api.last("POST", "/v1/deployments")).isEmpty();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stopsAtTheServersEarlyAnswerAndPrintsIt() throws Exception {
        byte[] big = new byte[32 << 20]; // more than the sockets buffer, so a client that sends it all waits forever
        new java.util.Random(1).nextBytes(big);
        Files.write(service.resolve("big.bin"), big);
        String refusal = "{\"error\":{\"code\":\"upload.too_large\",\"message\":\"the upload is 32.0 MiB, more than this"
                + " server's limit of 1Mi\",\"hint\":\"raise the server's --upload-limit\"}}";
        try (EarlyAnswer server = new EarlyAnswer("413 Payload Too Large", refusal)) {
            Env env = new Env(java.util.Map.of("NUBO_SERVER", server.url(), "NUBO_TOKEN", "s3cret"), home, false,
                    InstantSource.fixed(CannedApi.NOW), new ByteArrayInputStream(new byte[0]));

            Run run = CannedApi.run(env, "deploy", service.toString(), "--no-wait");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("error: the upload is 32.0 MiB, more than this server's limit of 1Mi")
                    .contains("hint: raise the server's --upload-limit");
            assertThat(server.request()).containsIgnoringCase("expect: 100-continue");
        }
    }

    /**
     * A server that answers every request as soon as it has the headers, and then neither reads the
     * body nor closes: what a client sees of a server that refuses an upload by its length.
     */
    static final class EarlyAnswer implements AutoCloseable {
        private final java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        private final java.util.concurrent.CompletableFuture<String> request = new java.util.concurrent.CompletableFuture<>();

        EarlyAnswer(String status, String body) throws IOException {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = socket.accept()) {
                    StringBuilder head = new StringBuilder();
                    var in = s.getInputStream();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    request.complete(head.toString());
                    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    s.getOutputStream().write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nX-Nubo-Error: true\r\n"
                            + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().write(bytes);
                    s.getOutputStream().flush();
                    new java.util.concurrent.CountDownLatch(1).await(); // until close() ends this test's server
                } catch (IOException | InterruptedException e) {
                    request.completeExceptionally(e);
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        String request() throws Exception {
            return request.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void uploadsTheSameBytesForTheSameDirectory() {
        api.on("GET", REVISION_PATH, json(Samples.revision("hello-java-00003", "DEPLOYING", false, "")));

        CannedApi.run(api.env(home), "deploy", service.toString(), "--no-wait");
        byte[] first = api.last("POST", "/v1/deployments").orElseThrow().body();
        CannedApi.run(api.env(home), "deploy", service.toString(), "--no-wait");

        assertThat(api.last("POST", "/v1/deployments").orElseThrow().body()).isEqualTo(first);
    }

    @Test
    void acceptsTheDescriptorFileInPlaceOfItsDirectory() {
        api.on("GET", REVISION_PATH, json(Samples.revision("hello-java-00003", "DEPLOYING", false, "")));

        Run run = CannedApi.run(api.env(home), "deploy", service.resolve("nubo.yaml").toString(), "--no-wait");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("✓ revision hello-java-00003 created");
    }

    @Test
    void printsEachStageOnceAsItIsReachedThenTheUrl() {
        String starting = Samples.instance("hello-java-00003-x7k2p", "STARTING", 0);
        api.on("GET", REVISION_PATH,
                json(Samples.revision("hello-java-00003", "DEPLOYING", false, "")),
                json(Samples.revision("hello-java-00003", "DEPLOYING", false, starting)),
                json(Samples.revision("hello-java-00003", "DEPLOYING", false, starting)),
                json(Samples.revision("hello-java-00003", "READY", true,
                        Samples.instance("hello-java-00003-x7k2p", "READY", 0))));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ✓ uploaded 18.0 KiB (sha256:9f2c1a…)
                ✓ revision hello-java-00003 created
                … instance hello-java-00003-x7k2p starting
                ✓ ready in 800ms
                URL: http://hello-java.localhost:8080/
                """);
    }

    @Test
    void namesAnInstanceFromThePoolEvenWhenItWasReadyBeforeTheFirstLook() {
        api.on("GET", REVISION_PATH, json(Samples.revision("hello-java-00003", "READY", true,
                Samples.instance("hello-java-00003-x7k2p", "READY", 0, true))));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ✓ uploaded 18.0 KiB (sha256:9f2c1a…)
                ✓ revision hello-java-00003 created
                … instance hello-java-00003-x7k2p starting from the prewarmed pool
                ✓ ready in 800ms
                URL: http://hello-java.localhost:8080/
                """);
    }

    @Test
    void namesEachInstanceOnceWhetherSeenStartingOrReady() {
        api.on("GET", REVISION_PATH,
                json(Samples.revision("hello-java-00003", "DEPLOYING", false,
                        Samples.instance("hello-java-00003-x7k2p", "STARTING", 0, true))),
                json(Samples.revision("hello-java-00003", "READY", true,
                        Samples.instance("hello-java-00003-x7k2p", "READY", 0, true) + ","
                                + Samples.instance("hello-java-00003-b4n9q", "READY", 0, false))));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("""
                ✓ revision hello-java-00003 created
                … instance hello-java-00003-x7k2p starting from the prewarmed pool
                … instance hello-java-00003-b4n9q starting
                ✓ ready in 800ms
                """);
    }

    @Test
    void failedRevisionPrintsReasonAndLogTailAndExitsOne() {
        api.on("GET", REVISION_PATH, json(Samples.failedRevision("hello-java-00003")));
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002", "", "")));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).endsWith("""
                ✓ revision hello-java-00003 created
                ✗ instance hello-java-00003-x7k2p failed: crash loop
                ✗ revision hello-java-00003 failed: exited with code 1 before becoming ready
                    Exception in thread "main" java.lang.ClassNotFoundException: Hello
                    \tat Main.main
                the previous revision keeps serving (hello-java-00002)
                """);
    }

    @Test
    void jsonOutputIsTheFinalRevisionAndNothingElse() throws IOException {
        String ready = Samples.revision("hello-java-00003", "READY", true, "");
        api.on("GET", REVISION_PATH, json(ready));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString(), "-o", "json");

        assertThat(run.exit()).isZero();
        JsonNode printed = Json.mapper().readTree(run.out());
        assertThat(printed).isEqualTo(Json.mapper().readTree(ready));
    }

    @Test
    void givesUpAfterTheTimeoutAndSaysHowToFollow() {
        api.on("GET", REVISION_PATH, json(Samples.revision("hello-java-00003", "DEPLOYING", false, "")));
        AtomicLong minutes = new AtomicLong();
        InstantSource clock = () -> Instant.parse("2026-11-21T12:00:00Z").plus(Duration.ofMinutes(minutes.getAndIncrement()));
        Env env = new Env(api.env(home).vars(), home, false, clock, new ByteArrayInputStream(new byte[0]));

        Run run = CannedApi.run(env, "deploy", service.toString(), "--timeout", "2m");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: revision hello-java-00003 is not ready after 2m (it is DEPLOYING)
                hint: the server keeps trying; follow it with `nubo describe hello-java` and `nubo logs hello-java -f`, or wait longer with --timeout
                """);
    }

    @Test
    void missingDescriptorSaysWhereItLookedAndSendsNothing() throws IOException {
        Path empty = Files.createDirectory(service.resolve("empty"));

        Run run = CannedApi.run(api.env(home), "deploy", empty.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no nubo.yaml in " + empty + "\n"
                + "hint: run `nubo deploy` in the directory that has nubo.yaml, or pass it: `nubo deploy examples/hello-java`\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void reportsTheServersRejectionOfTheDescriptor() {
        api.on("POST", "/v1/deployments", json(400, """
                {"error": {"code": "descriptor.invalid",
                  "message": "nubo.yaml: `runtime` must be one of process, java (got 'nodejs')",
                  "hint": "use `runtime: process` with `command: [node, server.js]`"}}"""));

        Run run = CannedApi.run(api.env(home), "deploy", service.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: nubo.yaml: `runtime` must be one of process, java (got 'nodejs')
                hint: use `runtime: process` with `command: [node, server.js]`
                """);
    }

    static java.util.Map<String, String> unzip(byte[] zip) throws IOException {
        java.util.Map<String, String> entries = new java.util.LinkedHashMap<>();
        try (var in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), new String(in.readAllBytes()));
            }
        }
        return entries;
    }
}
