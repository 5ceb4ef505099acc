package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README walkthrough, step by step: each example deploys with one command and answers. */
class ExamplesTest {

    @TempDir
    static Path home;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home);
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void deploysTheJavaFunctionAndAnswersThroughTheGateway() throws Exception {
        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-java").toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.out()).contains("hello-java-00001", "URL: " + nubo.server().serviceUrl("hello-java"));
        HttpResponse<String> r = nubo.post("hello-java", "/", "{\"name\":\"Ada\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("message").asText()).isEqualTo("Hello, Ada!");
        assertThat(body.get("revision").asText()).isEqualTo("hello-java-00001");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();

        TestNubo.CliResult invoke = nubo.nubo("invoke", "hello-java", "--data", "{\"name\":\"Grace\"}");
        assertThat(invoke.exitCode()).as(invoke.toString()).isZero();
        assertThat(invoke.out()).contains("Hello, Grace!");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(nubo.nubo("logs", "hello-java").out()).contains("hello-java-00001-", "Grace"));
    }

    @Test
    void deploysTheNodeAppUnmodified() {
        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-node").resolve("nubo.yaml").toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        HttpResponse<String> r = nubo.get("hello-node", "/orders?id=7");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Hello from Node", "hello-node-00001", "/orders?id=7");
    }

    @Test
    void deploysThePythonAppUnmodified() {
        TestNubo.CliResult deploy = nubo.nubo("deploy", TestNubo.example("hello-python").toString());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        HttpResponse<String> r = nubo.get("hello-python", "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Hello from Python", "hello-python-00001");
    }

    @Test
    void listsDescribesAndDeletes() throws Exception {
        assertThat(nubo.nubo("deploy", TestNubo.example("hello-python").toString()).exitCode()).isZero();

        TestNubo.CliResult list = nubo.nubo("list", "-o", "json");
        assertThat(list.exitCode()).isZero();
        JsonNode services = Json.mapper().readTree(list.out()).get("services");
        assertThat(services.findValuesAsText("name")).contains("hello-python");

        TestNubo.CliResult describe = nubo.nubo("describe", "hello-python");
        assertThat(describe.exitCode()).as(describe.toString()).isZero();
        assertThat(describe.out()).contains("hello-python-0000", "READY");

        TestNubo.CliResult missing = nubo.nubo("describe", "no-such-service");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("error: no service named no-such-service", "hint:");
    }
}
