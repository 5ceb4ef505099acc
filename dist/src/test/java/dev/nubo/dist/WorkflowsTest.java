package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflows through the packaged server: a definition deployed with the CLI, whose Tasks call a real
 * service through the gateway (a Choice on its answer, a Retry of its failures, a Catch of its
 * refusal), and executions that survive a kill -9 of the server in the middle of a Wait, and of a
 * Parallel whose Map and Task calls are in flight.
 */
class WorkflowsTest {

    /** A service whose answer depends on the input's op: price, flaky (fails twice per key, then answers), refuse. */
    static final String SHOP = """
            import json, os, sys, signal, time
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
            CALLS = {}
            HELD = []
            RELEASED = False
            class H(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def reply(self, status, body):
                    data = json.dumps(body).encode()
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                def do_POST(self):
                    body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
                    key = self.headers.get("nubo-idempotency-key", "")
                    op = body.get("op")
                    if op == "held":  # counted, then answered once the test sends "release" (to this process)
                        HELD.append(body["n"])
                        while not RELEASED:
                            time.sleep(0.05)
                        return self.reply(200, {"slow": body["n"]})
                    if op == "count":
                        return self.reply(200, {"held": len(HELD)})
                    if op == "release":
                        globals()["RELEASED"] = True
                        return self.reply(200, {})
                    if op == "price":
                        return self.reply(200, {"total": body["qty"] * body["unit"]})
                    if op == "flaky":
                        CALLS[body["key"]] = CALLS.get(body["key"], 0) + 1
                        if CALLS[body["key"]] < 3:
                            return self.reply(500, {"error": {"type": "Flaky", "message": "not yet"}})
                        return self.reply(200, {"approved": True, "calls": CALLS[body["key"]], "key": key})
                    return self.reply(500, {"error": {"type": "Refused", "message": "no"}})
                def log_message(self, *a):
                    pass
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    static final String ORDER = """
            {"StartAt": "Price", "States": {
              "Price": {"Type": "Task", "Resource": "nubo:shop", "Parameters": {"op": "price", "qty.$": "$.qty", "unit": 2.5},
                        "ResultPath": "$.price", "Next": "Big?"},
              "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.price.total", "NumericGreaterThan": 10, "Next": "Approve"}],
                       "Default": "Small"},
              "Approve": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:shop",
                          "Parameters": {"op": "flaky", "key.$": "$$.Execution.Name"}, "ResultPath": "$.approval", "Next": "Refuse",
                          "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "BackoffRate": 1, "MaxAttempts": 3}]},
              "Refuse": {"Type": "Task", "Resource": "nubo:service:shop", "Parameters": {"op": "refuse"}, "End": true,
                         "Catch": [{"ErrorEquals": ["Refused"], "ResultPath": "$.refusal", "Next": "Done"}]},
              "Small": {"Type": "Pass", "Result": "small", "ResultPath": "$.size", "Next": "Done"},
              "Done": {"Type": "Succeed"}}}""";

    /** One server for the class (the second test kills and restarts it), with the shop deployed once. */
    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 0);
        // One instance with room for every held call: "release" frees the calls held by the process it
        // reaches, so it must reach that one, not a second instance the autoscaler starts under load.
        cli("deploy", TestNubo.app(apps, "shop", SampleApps.echoYaml("shop", "scale: {max: 1, limit: 50}\n"), Map.of("app.py", SHOP)).toString());
    }

    @AfterAll
    static void stop() {
        if (nubo != null) {
            nubo.close();
        }
    }

    @Test
    void runsWorkflowsWhoseTasksCallAServiceWithChoiceRetryCatchAndATaskToken() throws Exception {
        Path flow = apps.resolve("order");
        Files.createDirectories(flow);
        Files.writeString(flow.resolve("order.asl.json"), ORDER);
        Files.writeString(flow.resolve("nubo.yaml"), "kind: workflow\nname: order\ndefinition: order.asl.json\n");
        assertThat(cli("workflow", "deploy", flow.toString())).contains("workflow order version 1");

        JsonNode big = json(cli("workflow", "start", "order", "--input", "{\"qty\": 8}", "--name", "big", "--wait", "-o", "json"));
        assertThat(big.path("status").asText()).as(big.toString()).isEqualTo("SUCCEEDED");
        assertThat(big.path("output")).isEqualTo(json("""
                {"qty": 8, "price": {"total": 20.0},
                 "approval": {"approved": true, "calls": 3, "key": "order:big/Approve/3"},
                 "refusal": {"Error": "Refused", "Cause": "service shop answered 500: no"}}"""));
        List<String> events = types(json(cli("workflow", "history", "order:big", "-o", "json")));
        assertThat(events).containsSubsequence("ExecutionStarted", "StateEntered(Price)", "TaskScheduled(Price)", "TaskSucceeded(Price)",
                "StateEntered(Big?)", "StateEntered(Approve)", "TaskFailed(Approve)", "RetryScheduled(Approve)", "TaskFailed(Approve)",
                "RetryScheduled(Approve)", "TaskSucceeded(Approve)", "TaskFailed(Refuse)", "CatchTaken(Refuse)", "StateEntered(Done)",
                "ExecutionSucceeded");

        JsonNode small = json(cli("workflow", "start", "order", "--input", "{\"qty\": 2}", "--wait", "-o", "json"));
        assertThat(small.path("output")).isEqualTo(json("{\"qty\": 2, \"price\": {\"total\": 5.0}, \"size\": \"small\"}"));
        HttpResponse<String> sync = api("POST", "/v1/workflows/order/executions?wait=30", "{\"input\": {\"qty\": 3}}");
        assertThat(sync.statusCode()).isEqualTo(201);
        assertThat(json(sync.body()).path("output")).isEqualTo(json("{\"qty\": 3, \"price\": {\"total\": 7.5}, \"size\": \"small\"}"));
        // The same name again is the first execution, not a new one.
        assertThat(json(cli("workflow", "start", "order", "--input", "{\"qty\": 1}", "--name", "big", "-o", "json")).path("input"))
                .isEqualTo(json("{\"qty\": 8}"));
        assertThat(cli("workflow", "executions", "order")).contains("order:big", "SUCCEEDED");

        // A task that waits for its token: the service gets the token; the result is what is sent back with it.
        Path approval = apps.resolve("approval.asl.json");
        Files.writeString(approval, """
                {"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "nubo:shop.waitForTaskToken", "End": true,
                  "Parameters": {"op": "price", "qty": 1, "unit": 1, "token.$": "$$.Task.Token"}, "ResultPath": "$.answer"}}}""");
        cli("workflow", "create", "approval", "--definition", approval.toString());
        cli("workflow", "start", "approval", "--input", "{\"order\": 7}", "--name", "a1");
        await().atMost(Duration.ofSeconds(30)).until(() -> types(json(cli("workflow", "history", "approval:a1", "-o", "json")))
                .contains("TaskSubmitted(Ask)"));
        String token = json(cli("workflow", "history", "approval:a1", "-o", "json")).path("events").valueStream()
                .filter(e -> e.path("type").asText().equals("TaskSubmitted")).findFirst().orElseThrow().path("detail").path("token").asText();
        assertThat(cli("workflow", "task-success", token, "--result", "{\"approved\": true}")).contains("the task's success is recorded");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                json(cli("workflow", "describe", "approval:a1", "-o", "json")).path("status").asText().equals("SUCCEEDED"));
        assertThat(json(cli("workflow", "describe", "approval:a1", "-o", "json")).path("output"))
                .isEqualTo(json("{\"order\": 7, \"answer\": {\"approved\": true}}"));

        // A distributed Map: each item a child execution calling the shop, the outputs in item order.
        Path prices = apps.resolve("prices.asl.json");
        Files.writeString(prices, """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.lines", "MaxConcurrency": 2, "End": true,
                  "ItemSelector": {"op": "price", "qty.$": "$$.Map.Item.Value", "unit": 2},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Price", "States": {"Price": {"Type": "Task", "Resource": "nubo:shop", "End": true}}}}}}""");
        cli("workflow", "create", "prices", "--definition", prices.toString());
        JsonNode priced = json(cli("workflow", "start", "prices", "--input", "{\"lines\": [1, 2, 3]}", "--wait", "-o", "json"));
        assertThat(priced.path("output")).as(priced.toString()).isEqualTo(json("[{\"total\": 2}, {\"total\": 4}, {\"total\": 6}]"));
        assertThat(cli("workflow", "executions", "prices")).contains("prices:child-");

        HttpResponse<String> bad = api("PUT", "/v1/workflows/broken", """
                {"definition": {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "nubo:shop", "End": true,
                  "Retry": [{"ErrorEquals": []}]}}}}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).path("error").path("message").asText())
                .isEqualTo("state \"Charge\": Retry[0].ErrorEquals must not be empty: list the error names it handles, or States.ALL");
    }

    /** An express workflow with http: true answers at its own host on the gateway: the body is its input, the answer its output. */
    @Test
    void anHttpWorkflowAnswersAtItsHostOnTheGatewayWithItsOutputOrItsErrorAsJson() throws Exception {
        Path flow = apps.resolve("quote");
        Files.createDirectories(flow);
        Files.writeString(flow.resolve("nubo.yaml"), """
                kind: workflow
                name: quote
                type: express
                http: true
                definition:
                  StartAt: Price
                  States:
                    Price: {Type: Task, Resource: "nubo:shop", Parameters: {op: price, qty.$: $.qty, unit: 2.5}, ResultPath: $.price, Next: Check}
                    Check: {Type: Choice, Choices: [{Variable: $.price.total, NumericGreaterThan: 100, Next: TooDear}], Default: Done}
                    TooDear: {Type: Fail, Error: Quote.TooDear, Cause: over budget}
                    Done: {Type: Pass, End: true}
                """);
        assertThat(cli("workflow", "deploy", flow.toString())).contains("workflow quote version 1 (express: runs in memory, keeps no history)",
                "or POST its input to " + nubo.server().serviceUrl("quote"));

        await().atMost(Duration.ofSeconds(30)).until(() -> nubo.post("quote", "/", "{}").statusCode() != 404);
        HttpResponse<String> quoted = nubo.post("quote", "/", "{\"qty\": 2}");
        assertThat(quoted.statusCode()).as(quoted.body()).isEqualTo(200);
        assertThat(json(quoted.body())).isEqualTo(json("{\"qty\": 2, \"price\": {\"total\": 5.0}}"));
        assertThat(quoted.headers().firstValue("nubo-execution").orElseThrow()).startsWith("quote:");

        HttpResponse<String> dear = nubo.post("quote", "/", "{\"qty\": 100}");
        assertThat(dear.statusCode()).isEqualTo(500);
        assertThat(json(dear.body()).path("error").path("type").asText()).isEqualTo("Quote.TooDear");
        assertThat(json(dear.body()).path("error").path("message").asText()).isEqualTo("over budget");
        HttpResponse<String> notJson = nubo.post("quote", "/", "qty=2");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson.body()).path("error").path("code").asText()).isEqualTo("request.invalid");

        assertThat(cli("workflow", "list")).contains("express", nubo.server().serviceUrl("quote"));
        JsonNode started = json(cli("workflow", "start", "quote", "--input", "{\"qty\": 4}", "--wait", "-o", "json"));
        assertThat(started.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(started.path("durable").asBoolean()).isFalse();
        assertThat(cli("workflow", "executions", "quote")).contains("no executions yet");

        // events:putEvents publishes into the default broker, whose trigger starts another workflow with the event.
        Path listener = apps.resolve("listener.asl.json");
        Files.writeString(listener, "{\"StartAt\": \"Heard\", \"States\": {\"Heard\": {\"Type\": \"Pass\", \"End\": true}}}");
        cli("workflow", "create", "listener", "--definition", listener.toString());
        cli("trigger", "create", "told", "--filter", "type=wf.told", "--to", "workflow:listener");
        Path teller = apps.resolve("teller.asl.json");
        Files.writeString(teller, """
                {"StartAt": "Tell", "States": {"Tell": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                  "Parameters": {"Entries": [{"Source": "/shop", "DetailType": "wf.told", "Detail.$": "$"}]}, "End": true}}}""");
        cli("workflow", "create", "teller", "--definition", teller.toString());
        JsonNode told = json(cli("workflow", "start", "teller", "--input", "{\"order\": 9}", "--name", "t1", "--wait", "-o", "json"));
        assertThat(told.path("output")).isEqualTo(json("{\"Entries\": [{\"EventId\": \"teller:t1/Tell/1#0\"}], \"FailedEntryCount\": 0}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> json(cli("workflow", "executions", "listener", "-o", "json"))
                .path("executions").valueStream().anyMatch(e -> e.path("status").asText().equals("SUCCEEDED")));
        JsonNode heard = json(cli("workflow", "executions", "listener", "-o", "json")).path("executions").get(0);
        assertThat(heard.path("input").path("data")).isEqualTo(json("{\"order\": 9}"));
        assertThat(heard.path("input").path("id").asText()).isEqualTo("teller:t1/Tell/1#0");
    }

    @Test
    void theApprovalExampleApprovesSmallAmountsAndWaitsForAnAnswerOnLargeOnes() throws Exception {
        cli("deploy", TestNubo.example("hello-python-function").toString());
        assertThat(cli("workflow", "deploy", TestNubo.example("approval-workflow").toString())).contains("workflow approval version 1");

        JsonNode small = json(cli("workflow", "start", "approval", "--input", "{\"name\": \"Ada\", \"amount\": 20}", "--wait", "-o", "json"));
        assertThat(small.path("output")).isEqualTo(json("{\"name\": \"Ada\", \"amount\": 20, \"outcome\": \"approved\"}"));

        cli("workflow", "start", "approval", "--input", "{\"name\": \"Ada\", \"amount\": 120}", "--name", "order-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> types(json(cli("workflow", "history", "approval:order-1", "-o", "json")))
                .contains("TaskSubmitted(Ask)"));
        String token = json(cli("workflow", "history", "approval:order-1", "-o", "json")).path("events").valueStream()
                .filter(e -> e.path("type").asText().equals("TaskSubmitted")).findFirst().orElseThrow().path("detail").path("token").asText();
        cli("workflow", "task-failure", token, "--error", "Rejected", "--cause", "over budget");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                json(cli("workflow", "describe", "approval:order-1", "-o", "json")).path("status").asText().equals("FAILED"));
        JsonNode rejected = json(cli("workflow", "describe", "approval:order-1", "-o", "json"));
        assertThat(rejected.path("error").asText()).isEqualTo("Rejected");
        assertThat(rejected.path("cause").asText()).isEqualTo("over budget");
    }

    /** A Lambda-style function's event is the task's input, and its thrown error's name is what Retry and Catch match. */
    @Test
    void aLambdaStyleFunctionGetsTheInputAsItsEventAndItsErrorsByName() throws Exception {
        cli("deploy", TestNubo.example("hello-python-function").toString());
        Path definition = apps.resolve("greet.asl.json");
        Files.writeString(definition, """
                {"StartAt": "Greet", "States": {"Greet": {"Type": "Task", "Resource": "nubo:hello-python-function",
                  "ResultSelector": {"message.$": "$.message"}, "ResultPath": "$.greeting", "End": true,
                  "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.failure", "Next": "Refused"}]},
                 "Refused": {"Type": "Pass", "Result": "refused", "ResultPath": "$.outcome", "End": true}}}""");
        cli("workflow", "create", "greet", "--definition", definition.toString());

        JsonNode greeted = json(cli("workflow", "start", "greet", "--input", "{\"name\": \"Ada\"}", "--wait", "-o", "json"));
        JsonNode refused = json(cli("workflow", "start", "greet", "--input", "{\"name\": \"error\"}", "--wait", "-o", "json"));

        assertThat(greeted.path("output")).isEqualTo(json("{\"name\": \"Ada\", \"greeting\": {\"message\": \"Hello, Ada!\"}}"));
        assertThat(refused.path("output").path("outcome").asText()).as(refused.toString()).isEqualTo("refused");
        assertThat(refused.path("output").path("failure").path("Error").asText()).isEqualTo("ValueError");
        assertThat(refused.path("output").path("failure").path("Cause").asText()).contains("no greeting for 'error'");
    }

    @Test
    void anExecutionWaitingWhenTheServerIsKilledFinishesAfterTheRestartWithItsDeadlineKept() throws Exception {
        Path asl = apps.resolve("nap.asl.yaml");
        Files.writeString(asl, """
                StartAt: Nap
                States:
                  Nap: {Type: Wait, Seconds: 3, Next: Price}
                  Price:
                    Type: Task
                    Resource: nubo:shop
                    Parameters: {op: price, qty.$: $.qty, unit: 2}
                    End: true
                """);
        cli("workflow", "create", "nap", "--definition", asl.toString());
        cli("workflow", "start", "nap", "--input", "{\"qty\": 21}", "--name", "n1");
        JsonNode waiting = json(cli("workflow", "describe", "nap:n1", "-o", "json"));
        assertThat(waiting.path("status").asText()).isEqualTo("RUNNING");
        assertThat(waiting.path("state").asText()).isEqualTo("Nap");
        nubo.crashAndRestart();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                json(cli("workflow", "describe", "nap:n1", "-o", "json")).path("status").asText().equals("SUCCEEDED"));
        JsonNode done = json(cli("workflow", "describe", "nap:n1", "-o", "json"));
        assertThat(done.path("output")).isEqualTo(json("{\"total\": 42}"));
        JsonNode history = json(cli("workflow", "history", "nap:n1", "-o", "json"));
        assertThat(types(history)).containsExactly("ExecutionStarted", "StateEntered(Nap)", "WaitStarted(Nap)", "WaitEnded(Nap)",
                "StateExited(Nap)", "StateEntered(Price)", "TaskScheduled(Price)", "TaskSucceeded(Price)", "StateExited(Price)",
                "ExecutionSucceeded");
        Instant entered = Instant.parse(history.path("events").get(1).path("at").asText());
        Instant until = Instant.parse(history.path("events").get(2).path("detail").path("until").asText());
        Instant ended = Instant.parse(history.path("events").get(3).path("at").asText());
        assertThat(until).isEqualTo(entered.plusSeconds(3));
        assertThat(ended).isAfterOrEqualTo(until);
    }

    private static List<String> types(JsonNode history) {
        return history.path("events").valueStream()
                .map(e -> e.path("type").asText() + (e.has("state") ? "(" + e.path("state").asText() + ")" : "")).toList();
    }

    private static HttpResponse<String> api(String method, String path, String body) {
        return nubo.api(method, path, nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(body), "application/json");
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
