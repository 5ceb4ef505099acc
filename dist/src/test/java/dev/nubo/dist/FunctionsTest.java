package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function runtimes end to end: Java (Nubo's own handlers and unmodified Lambda handlers), Node and
 * Python functions, each handed to a prewarmed process from the pool, and a Lambda custom runtime
 * (AWS's own runtime interface client) polling Nubo's Runtime API. Real server, real processes.
 */
class FunctionsTest {

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 2);
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    static JsonNode describe(String service) throws Exception {
        TestNubo.CliResult r = nubo.nubo("describe", service, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Json.mapper().readTree(r.out());
    }

    static List<JsonNode> instances(String service) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        describe(service).get("revisions").forEach(rev -> rev.get("instances").forEach(all::add));
        return all;
    }

    /** A direct invocation ({@code nubo invoke}): a Lambda-style function gets the body as its event. */
    static HttpResponse<String> invoke(String service, String body, String requestId) {
        return nubo.invoke(service, body, Map.of("X-Request-Id", requestId));
    }

    static void deploy(Path dir) {
        TestNubo.CliResult deploy = nubo.nubo("deploy", dir.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    static void awaitFullPool(String kind) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            HttpResponse<String> runtimes = nubo.api("GET", "/v1/runtimes", nubo.server().adminToken(),
                    java.net.http.HttpRequest.BodyPublishers.noBody());
            for (JsonNode pool : Json.mapper().readTree(runtimes.body()).get("pools")) {
                if (pool.get("kind").asText().equals(kind)) {
                    return pool.get("idle").asInt() >= pool.get("size").asInt();
                }
            }
            return false;
        });
    }

    static String logs(String service) {
        return nubo.nubo("logs", service).out();
    }

    @Test
    void runsAnUnmodifiedLambdaHandlerInAPooledJvmWithAFaithfulContext() throws Exception {
        deploy(TestNubo.example("hello-lambda"));

        HttpResponse<String> r = invoke("hello-lambda", "{\"name\":\"Ada\"}", "req-lambda-1");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        // GREETING comes from nubo.yaml and is read with System.getenv: the pooled JVM got it at specialisation.
        assertThat(body.get("message").asText()).isEqualTo("Hello, Ada!");
        assertThat(body.get("requestId").asText()).isEqualTo("req-lambda-1");
        assertThat(body.get("function").asText()).isEqualTo("hello-lambda");
        assertThat(body.get("version").asText()).isEqualTo(describe("hello-lambda").get("revisions").get(0).get("id").asText());
        assertThat(body.get("memoryMb").asInt()).isEqualTo(256);
        assertThat(body.get("remainingMs").asLong()).isBetween(1L, 30_000L);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(logs("hello-lambda")).contains("took pooled process", "greeting Ada"));

        HttpResponse<String> error = invoke("hello-lambda", "{\"name\":\"error\"}", "req-lambda-2");
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(Json.mapper().readTree(error.body()).get("errorType").asText())
                .isEqualTo("java.lang.IllegalArgumentException");
        assertThat(Json.mapper().readTree(error.body()).get("errorMessage").asText()).isEqualTo("no greeting for 'error'");
    }

    @Test
    void aPooledJvmServesOneFunctionOnly() throws Exception {
        // Other tests of the class take JVMs from the pool too: each deploy waits for a full pool, so that
        // its cold start takes a pooled JVM rather than a fresh one (which a pool being refilled would give).
        awaitFullPool("java-256Mi");
        deploy(TestNubo.example("hello-java"));
        awaitFullPool("java-256Mi");
        deploy(TestNubo.example("hello-lambda"));
        assertThat(invoke("hello-java", "{\"name\":\"A\"}", "r1").statusCode()).isEqualTo(200);
        assertThat(invoke("hello-lambda", "{\"name\":\"B\"}", "r2").statusCode()).isEqualTo(200);

        List<Long> pids = new ArrayList<>();
        for (String service : List.of("hello-java", "hello-lambda")) {
            instances(service).stream().filter(i -> i.get("state").asText().equals("READY"))
                    .forEach(i -> pids.add(i.get("pid").asLong()));
        }
        assertThat(pids).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
        // Every JVM serving a function is a former pool member, and each one names one service only.
        for (long pid : pids) {
            String env = new String(java.nio.file.Files.readAllBytes(Path.of("/proc/" + pid + "/environ")));
            assertThat(env).contains("NUBO_POOL=1").doesNotContain("NUBO_SERVICE"); // handed over on stdin, not exec'd with
        }
    }

    @Test
    void runsNodeAndPythonFunctionsFromThePool() throws Exception {
        for (String service : List.of("hello-node-function", "hello-python-function")) {
            // The first deploy of a kind starts its process fresh and teaches the pool the kind;
            // the second revision's instance is handed a prewarmed interpreter.
            deploy(TestNubo.example(service));
            String kind = service.startsWith("hello-node") ? "node-" : "python-";
            await().atMost(Duration.ofSeconds(10)).until(() -> Json.mapper().readTree(nubo.api("/v1/runtimes").body())
                    .path("pools").valueStream().anyMatch(p -> p.path("kind").asText().startsWith(kind) && p.path("idle").asInt() > 0));
            deploy(TestNubo.example(service));
            HttpResponse<String> r = invoke(service, "{\"name\":\"Ada\"}", "req-" + service);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(r.body());
            assertThat(body.get("message").asText()).isEqualTo("Hello, Ada!");
            assertThat(body.get("requestId").asText()).isEqualTo("req-" + service);
            assertThat(body.get("version").asText()).isEqualTo(service + "-00002");

            HttpResponse<String> error = invoke(service, "{\"name\":\"error\"}", "req-error");
            assertThat(error.statusCode()).isEqualTo(500);
            assertThat(Json.mapper().readTree(error.body()).get("errorMessage").asText()).isEqualTo("no greeting for 'error'");
            HttpResponse<String> bad = invoke(service, "{not json", "req-bad");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("InvalidInput");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs(service)).contains("took pooled process"));
        }
    }

    @Test
    void aHandlerPastItsTimeoutGets504AndItsInstanceIsReplaced() throws Exception {
        Path dir = TestNubo.app(apps, "stuck", """
                name: stuck
                runtime: python
                handler: main.handler
                timeout: 500ms
                scale: {min: 1}
                """, Map.of("main.py", """
                import time
                def handler(event, context):
                    if event.get("stuck"):
                        while True:
                            pass
                    return {"ok": True}
                """));
        deploy(dir);
        long before = instances("stuck").getFirst().get("pid").asLong();

        HttpResponse<String> r = invoke("stuck", "{\"stuck\": true}", "req-stuck");

        assertThat(r.statusCode()).isEqualTo(504);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(logs("stuck")).contains("still running", "req-stuck");
            assertThat(invoke("stuck", "{}", "req-after").statusCode()).isEqualTo(200);
            assertThat(instances("stuck")).anySatisfy(i -> assertThat(i.get("pid").asLong()).isNotEqualTo(before));
        });
    }

    @Test
    void anInitFailureFailsTheRevisionWithItsCause() throws Exception {
        Path python = TestNubo.app(apps, "noexport", """
                name: noexport
                runtime: python
                handler: main.handle
                """, Map.of("main.py", "def handler(event, context):\n    return 1\n"));
        TestNubo.CliResult deploy = nubo.nubo("deploy", python.toString());
        assertThat(deploy.exitCode()).isNotZero();
        assertThat(deploy.out() + deploy.err()).contains("handle");
        JsonNode revision = describe("noexport").get("revisions").get(0);
        assertThat(revision.get("state").asText()).isEqualTo("FAILED");
        assertThat(revision.get("logTail").toString()).contains("nubo: ", "handle");

        Path java = TestNubo.app(apps, "noclass", """
                name: noclass
                runtime: java
                handler: com.example.Missing
                code: classes
                """, Map.of("classes/README", "no classes here"));
        TestNubo.CliResult javaDeploy = nubo.nubo("deploy", java.toString());
        assertThat(javaDeploy.exitCode()).isNotZero();
        assertThat(describe("noclass").get("revisions").get(0).get("logTail").toString())
                .contains("handler class com.example.Missing not found");
    }

    @Test
    void runsAwsRuntimeInterfaceClientAgainstTheRuntimeApi() throws Exception {
        deploy(TestNubo.example("hello-lambda-ric"));

        HttpResponse<String> r = invoke("hello-lambda-ric", "{\"name\":\"Ada\"}", "req-ric-1");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("message").asText()).isEqualTo("Hello, Ada!");
        assertThat(body.get("requestId").asText()).isEqualTo("req-ric-1");
        assertThat(body.get("function").asText()).isEqualTo("hello-lambda-ric");
        assertThat(body.get("version").asText()).isEqualTo("hello-lambda-ric-00001");
        assertThat(body.get("remainingMs").asLong()).isBetween(1L, 30_000L);

        HttpResponse<String> error = invoke("hello-lambda-ric", "{\"name\":\"error\"}", "req-ric-2");
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(Json.mapper().readTree(error.body()).get("errorMessage").asText()).isEqualTo("no greeting for 'error'");

        HttpResponse<String> http = nubo.post("hello-lambda-ric", "/orders?id=7", "{\"name\":\"Ada\"}");
        assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
        assertThat(http.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(Json.mapper().readTree(http.body()).get("message").asText())
                .as("over HTTP the handler's event is API Gateway's (the name is inside its body)").isEqualTo("Hello, world!");
    }
}
