package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflows started by events (a trigger, a webhook source, each {@code --to workflow:NAME}) once per
 * event id, and the saga example run to a compensated failure and to success, through the packaged server.
 */
class WorkflowStartsTest {

    /** Echoes what started it: the CloudEvent's attributes and data. */
    static final String RECORD = """
            {"StartAt": "Record", "States": {"Record": {"Type": "Pass", "End": true,
              "Parameters": {"id.$": "$.id", "type.$": "$.type", "source.$": "$.source", "data.$": "$.data",
                             "execution.$": "$$.Execution.Name"}}}}""";

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 0);
    }

    @AfterAll
    static void stop() {
        if (nubo != null) {
            nubo.close();
        }
    }

    @Test
    void aTriggerAndAWebhookToAWorkflowStartOneExecutionPerEventWithTheEventAsInput() throws Exception {
        Path flow = apps.resolve("record.asl.json");
        Files.writeString(flow, RECORD);
        cli("workflow", "create", "record", "--definition", flow.toString());
        assertThat(cli("trigger", "create", "orders", "--filter", "type=order.created", "--to", "workflow:record"))
                .contains("orders");

        // The same event twice (a producer's retry): one execution, named after the event's id.
        for (int i = 0; i < 2; i++) {
            cli("events", "send", "--type", "order.created", "--source", "/shop", "--id", "order-7", "-d", "{\"qty\": 3}");
        }
        cli("events", "send", "--type", "order.created", "--source", "/shop", "--id", "order/8", "-d", "{\"qty\": 4}");
        await().atMost(Duration.ofSeconds(30)).until(() -> executions("record").size() == 2
                && executions("record").stream().allMatch(e -> e.path("status").asText().equals("SUCCEEDED")));
        JsonNode seven = json(cli("workflow", "describe", "record:order-7", "-o", "json"));
        assertThat(seven.path("output")).isEqualTo(json("""
                {"id": "order-7", "type": "order.created", "source": "/shop", "data": {"qty": 3}, "execution": "order-7"}"""));
        // An id that is not a valid execution name keeps its valid characters, and a hash of the whole id.
        assertThat(executions("record").stream().map(e -> e.path("name").asText()))
                .anyMatch(n -> n.startsWith("order-8-"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(json(cli("trigger", "describe", "orders", "-o", "json")).toString()).contains("\"delivered\":3"));
        assertThat(executions("record")).hasSize(2);

        // A webhook source: GitHub's delivery id is the event's id, so a redelivered hook starts nothing new.
        cli("source", "create", "webhook", "gh", "--type", "com.github.push", "--to", "workflow:record");
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> hook = http.send(HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + "/v1/webhooks/gh"))
                    .header("X-GitHub-Delivery", "d-1").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ref\": \"refs/heads/main\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(hook.statusCode()).as(hook.body()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                json(cli("workflow", "describe", "record:d-1", "-o", "json")).path("status").asText().equals("SUCCEEDED"));
        assertThat(json(cli("workflow", "describe", "record:d-1", "-o", "json")).path("output")).isEqualTo(json("""
                {"id": "d-1", "type": "com.github.push", "source": "/nubo/sources/gh", "data": {"ref": "refs/heads/main"},
                 "execution": "d-1"}"""));

        // An async invocation's result, to a workflow: the execution is named after the invocation.
        cli("deploy", TestNubo.app(apps, "doubler", "name: doubler\nruntime: python\nhandler: main.handler\n"
                + "async: {onSuccess: \"workflow:record\"}\n", Map.of("main.py", "def handler(event, context):\n    return {\"doubled\": event[\"n\"] * 2}\n"))
                .toString());
        String invocation = nubo.nubo("invoke", "doubler", "--async", "-d", "{\"n\": 21}").out().replaceAll("(?s).*?(inv-[A-Za-z0-9_-]+).*", "$1").strip();
        await().atMost(Duration.ofSeconds(30)).until(() -> executions("record").size() == 4
                && executions("record").stream().allMatch(e -> e.path("status").asText().equals("SUCCEEDED")));
        JsonNode result = executions("record").stream().filter(e -> e.path("input").path("type").asText().equals("dev.nubo.invocation.succeeded"))
                .findFirst().orElseThrow();
        assertThat(result.path("name").asText()).isEqualTo(invocation);
        assertThat(result.path("input").path("data").path("service").asText()).isEqualTo("doubler");
        assertThat(result.path("input").path("data").toString()).contains("\"doubled\":42");

        // A destination that is neither a service nor a workflow is refused, naming what it can be.
        TestNubo.CliResult bad = nubo.nubo("trigger", "create", "loop", "--to", "broker:default");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.toString()).contains("a trigger delivers to a service or a workflow, not to broker:default");
    }

    @Test
    void theSagaExampleBooksATripOrUndoesTheStepsDoneInReverse() throws Exception {
        cli("deploy", TestNubo.example("saga-workflow").resolve("trip").toString());
        assertThat(cli("workflow", "deploy", TestNubo.example("saga-workflow").toString())).contains("workflow trip version 1");

        JsonNode booked = json(cli("workflow", "start", "trip", "--input", "{\"trip\": \"t1\", \"seats\": 2}", "--wait", "-o", "json"));
        assertThat(booked.path("status").asText()).as(booked.toString()).isEqualTo("SUCCEEDED");
        assertThat(booked.path("output")).isEqualTo(json("""
                {"trip": "t1", "seats": 2, "reservation": {"id": "res-t1", "seats": 2}, "payment": {"id": "pay-t1", "amount": 240},
                 "shipment": {"id": "ship-t1"}}"""));

        JsonNode unshipped = failed("{\"trip\": \"t2\", \"seats\": 1, \"fail\": \"ship\"}", "t2");
        assertThat(unshipped.path("status").asText()).as(unshipped.toString()).isEqualTo("FAILED");
        assertThat(unshipped.path("error").asText()).isEqualTo("TripNotBooked");
        assertThat(unshipped.path("cause").asText()).isEqualTo("service trip answered 500: ship failed for trip t2");
        assertThat(entered("trip:t2")).containsExactly("Reserve", "Charge", "Ship", "Refund", "Release", "NotBooked");
        assertThat(succeeded("trip:t2")).containsExactly("Reserve", "Charge", "Refund", "Release");

        JsonNode unpaid = failed("{\"trip\": \"t3\", \"seats\": 1, \"fail\": \"charge\"}", "t3");
        assertThat(unpaid.path("status").asText()).isEqualTo("FAILED");
        assertThat(entered("trip:t3")).containsExactly("Reserve", "Charge", "Release", "NotBooked");
    }

    /** Starts the trip {@code name} and waits: the CLI exits 1 for an execution that failed. */
    private static JsonNode failed(String input, String name) throws Exception {
        TestNubo.CliResult r = nubo.nubo("workflow", "start", "trip", "--input", input, "--name", name, "--wait", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        return json(r.out());
    }

    private static List<String> entered(String execution) throws Exception {
        return of(execution, "StateEntered");
    }

    private static List<String> succeeded(String execution) throws Exception {
        return of(execution, "TaskSucceeded");
    }

    private static List<String> of(String execution, String type) throws Exception {
        return json(cli("workflow", "history", execution, "-o", "json")).path("events").valueStream()
                .filter(e -> e.path("type").asText().equals(type)).map(e -> e.path("state").asText()).toList();
    }

    private static List<JsonNode> executions(String workflow) throws Exception {
        return json(cli("workflow", "executions", workflow, "-o", "json")).path("executions").valueStream().toList();
    }

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    private static String cli(String... args) {
        TestNubo.CliResult r = nubo.nubo(args);
        assertThat(r.exitCode()).as("nubo %s\n%s", String.join(" ", args), r).isZero();
        return r.out();
    }
}
