package dev.nubo.javaruntime;

import static dev.nubo.javaruntime.HostProcess.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host as the platform runs it: a separate process, real sockets, handlers from NUBO_CODE. */
class JavaHostTest {

    @Test
    void decodesJsonBodyIntoTheHandlersRecordAndEncodesTheResult() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Greeter.class, Map.of())) {
            HttpResponse<String> ok = post(host, "/", "{\"name\":\"Ada\",\"times\":2,\"unknown\":true}");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(ok.body()).isEqualTo("{\"message\":\"Hello, Ada\",\"times\":2}");

            assertThat(post(host, "/", "").body()).as("empty body is a null input; null result is null")
                    .isEqualTo("null");

            HttpResponse<String> broken = post(host, "/", "{\"name\":");
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(broken.body()).startsWith("{\"error\":{\"type\":\"InvalidInput\",\"message\":\"request body is"
                    + " not valid JSON for SampleHandlers.Greeter.Request: ");

            HttpResponse<String> misfit = post(host, "/", "{\"name\":\"Ada\",\"times\":\"many\"}");
            assertThat(misfit.statusCode()).isEqualTo(400);
            assertThat(misfit.body()).contains("InvalidInput").contains("Cannot deserialize value of type `int`");
        }
    }

    @Test
    void httpHandlerSeesTheWholeRequestAndShapesTheResponse() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Echo.class, Map.of())) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/orders/a%20b?x=1&y=two%20words"))
                    .header("X-Test", "v1").method("PUT", BodyPublishers.ofString("hello")).build(), BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.headers().firstValue("x-echo")).hasValue("yes");
            assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(response.body().lines()).containsExactly(
                    "method=PUT", "path=/orders/a%20b", "query=x=1&y=two%20words", "x-test=[v1]", "body=hello");
        }
    }

    @Test
    void contextCarriesRequestIdDeadlineEnvAndTagsLogLines() throws Exception {
        Map<String, String> env = Map.of("NUBO_SERVICE", "svc", "NUBO_REVISION", "svc-00007", "NUBO_TIMEOUT_MS", "60000",
                "NUBO_ENV_KEYS", "GREETING, NOT_SET", "GREETING", "Hi", "UNLISTED", "also here");
        try (HostProcess host = HostProcess.serve(SampleHandlers.ContextReport.class, env)) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/"))
                    .header("X-Request-Id", "req-123").POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());

            assertThat(response.body())
                    .contains("\"requestId\":\"req-123\",\"functionName\":\"svc\",\"revision\":\"svc-00007\"")
                    .contains("\"env\":{\"GREETING\":\"Hi\"},\"getenvGreeting\":\"Hi\",\"getenvUnlisted\":\"also here\"")
                    .contains("\"contextLoaderIsOwn\":true")
                    .containsPattern("\"remainingMs\":(5\\d{4}|60000),");
            assertThat(host.stdout().lines()).contains("[req-123] reporting", "[req-123] second line");

            assertThat(post(host, "/", "{}").body()).as("a request id is made up when the gateway sent none")
                    .containsPattern("\"requestId\":\"[0-9a-f]{16}\"");
        }
    }

    @Test
    void handlerExceptionBecomes500WithTypeAndMessageAndTheHostKeepsServing() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Failing.class, Map.of())) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/"))
                        .header("X-Request-Id", "req-boom").POST(BodyPublishers.ofString("{}")).build(),
                        BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(500);
                assertThat(response.body()).isEqualTo(
                        "{\"error\":{\"type\":\"java.lang.IllegalStateException\",\"message\":\"boom: \\\"quoted\\\"\"}}");
            }
            assertThat(host.isAlive()).isTrue();
            assertThat(host.stderr()).as("the host's own frames are left out").doesNotContain("InvocationEndpoint");
            assertThat(host.stderr().lines())
                    .contains("[req-boom] java.lang.IllegalStateException: boom: \"quoted\"")
                    .anyMatch(line -> line.startsWith("[req-boom] \tat nubo-function//dev.nubo.javaruntime.SampleHandlers$Failing.handle("));
        }
    }

    @Test
    void responsesTheHostCannotSendBecome500InvalidResponse() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Misbehaving.class, Map.of())) {
            HttpResponse<String> returnedNull = post(host, "/?null", "");
            assertThat(returnedNull.statusCode()).isEqualTo(500);
            assertThat(returnedNull.body()).isEqualTo("{\"error\":{\"type\":\"InvalidResponse\",\"message\":"
                    + "\"dev.nubo.javaruntime.SampleHandlers$Misbehaving returned null (return an HttpResponse,"
                    + " e.g. HttpResponse.ok(\\\"done\\\"))\"}}");

            HttpResponse<String> injected = post(host, "/?header", "");
            assertThat(injected.statusCode()).isEqualTo(500);
            assertThat(injected.headers().map()).doesNotContainKey("set-cookie");
            assertThat(injected.body()).contains("InvalidResponse").contains("returned headers that cannot be sent");

            assertThat(post(host, "/", "").body()).isEqualTo("fine");
        }
    }

    @Test
    void functionSeesTheApiAndTheJdkButNotTheHostsClassesOrJackson() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.ClassVisibility.class, Map.of())) {
            assertThat(post(host, "/", "").body()).isEqualTo("{"
                    + "\"com.fasterxml.jackson.databind.ObjectMapper\":\"ClassNotFoundException\","
                    + "\"dev.nubo.javaruntime.JavaHost\":\"ClassNotFoundException\","
                    + "\"dev.nubo.function.HttpResponse\":\"visible\","
                    + "\"java.net.http.HttpClient\":\"visible\","
                    + "\"loader\":\"nubo-function\"}");
        }
    }

    @Test
    void servesConcurrentInvocationsInParallel() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Sleeper.class, Map.of())) {
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 20)
                    .mapToObj(i -> CLIENT.sendAsync(HttpRequest.newBuilder(host.uri("/"))
                            .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString()))
                    .toList();
            List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            // 20 x 500 ms one at a time would take 10 s; the bound is loose on purpose.
            assertThat(elapsedMs).isLessThan(5_000);
            assertThat(responses.stream().mapToInt(r -> Integer.parseInt(r.body())).max().orElseThrow())
                    .as("invocations in flight at once").isGreaterThan(1);
        }
    }

    @Test
    void finishesRunningInvocationsWhenTerminatedThenExits() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Sleeper.class, Map.of())) {
            CompletableFuture<HttpResponse<String>> running = CLIENT.sendAsync(HttpRequest.newBuilder(host.uri("/"))
                    .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
            // Terminate only once the invocation runs: a request not yet accepted would be refused.
            await().atMost(Duration.ofSeconds(10)).until(() -> host.stdout().contains("sleeping"));
            long start = System.nanoTime();
            host.terminate();

            assertThat(running.join().statusCode()).isEqualTo(200);
            assertThat(host.awaitExit()).isEqualTo(143);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to exit").isLessThan(10_000);
        }
    }

    @Test
    void loadsTheFunctionFromAJar(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("function.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> classes = Files.walk(HostProcess.TEST_CLASSES)) {
            for (Path c : classes.filter(p -> p.getFileName().toString().startsWith("SampleHandlers")).toList()) {
                out.putNextEntry(new JarEntry(HostProcess.TEST_CLASSES.relativize(c).toString().replace('\\', '/')));
                Files.copy(c, out);
                out.closeEntry();
            }
        }
        try (HostProcess host = HostProcess.serve(SampleHandlers.Greeter.class, Map.of("NUBO_CODE", jar.toString()))) {
            assertThat(post(host, "/", "{\"name\":\"Jar\"}").body()).isEqualTo("{\"message\":\"Hello, Jar\",\"times\":0}");
        }
    }

    private static HttpResponse<String> post(HostProcess host, String pathAndQuery, String body)
            throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(host.uri(pathAndQuery)).POST(BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
    }
}
