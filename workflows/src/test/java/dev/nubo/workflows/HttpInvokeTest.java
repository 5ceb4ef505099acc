package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http:invoke task against a real HTTP server on loopback. */
class HttpInvokeTest {

    HttpServer server;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("X-Token")
                    + " " + exchange.getRequestHeaders().getFirst("Nubo-Idempotency-Key") + " " + body);
            boolean missing = exchange.getRequestURI().getPath().equals("/missing");
            byte[] answer = (missing ? "{\"message\": \"no such order\"}" : "{\"ok\": true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(missing ? 404 : 201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String definition(String path) {
        return """
                {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                  "Parameters": {"ApiEndpoint": "http://127.0.0.1:%d%s", "Method": "POST", "Headers": {"X-Token": "t1"},
                                 "QueryParameters": {"q": "a b"}, "RequestBody": {"order.$": "$.order"}},
                  "ResultSelector": {"status.$": "$.StatusCode", "text.$": "$.StatusText", "body.$": "$.ResponseBody"}, "End": true,
                  "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "Next": "Gone"}]},
                 "Gone": {"Type": "Pass", "End": true}}}""".formatted(server.getAddress().getPort(), path);
    }

    @Test
    void sendsTheDescribedRequestAndAnswersStepFunctionsResultShape() throws Exception {
        Runs runs = new Runs(call -> json("{}"));

        assertThat(runs.output(definition("/orders"), "{'order': 7}")).isEqualTo(json("{'status': 201, 'text': 'Created', 'body': {'ok': true}}"));
        assertThat(seen).containsExactly("POST /orders?q=a+b t1 wf:exec-1/Call/1 {\"order\":7}");
    }

    @Test
    void anAnswerOutsideTwoHundredsIsStatesHttpStatusCodeThatCatchHandles() throws Exception {
        Runs runs = new Runs(call -> json("{}"));

        assertThat(runs.output(definition("/missing"), "{'order': 7}")).isEqualTo(json("{'Error': 'States.Http.StatusCode.404',"
                + " 'Cause': 'POST http://127.0.0.1:" + server.getAddress().getPort() + "/missing answered 404: {\\\"message\\\": \\\"no such order\\\"}'}"));
    }
}
