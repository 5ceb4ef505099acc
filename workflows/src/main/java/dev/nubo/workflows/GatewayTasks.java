package dev.nubo.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nubo.model.EventHeader;
import dev.nubo.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Tasks as HTTP calls through Nubo's gateway, as any client's: {@code POST /} with {@code Host:
 * SERVICE.domain}, the input as the JSON body, {@code Nubo-Idempotency-Key}, and {@code Nubo-Event:
 * direct} with the server's key (a Lambda-style function's event is the input itself), so that the gateway
 * wakes a service at zero, holds the call while it starts and applies its limits. A 2xx answer is the
 * result (JSON, or the text as a string); any other is a task failure named by the function's error
 * type (Lambda's {@code {"errorType":…,"errorMessage":…}}, or {@code {"error":{"type":…,"message":…}}}), else
 * {@code States.TaskFailed}; no answer within the task's {@code TimeoutSeconds} is {@code States.Timeout}.
 * Setting {@code Host} needs {@code -Djdk.httpclient.allowRestrictedHeaders=host}, which the launcher sets.
 */
final class GatewayTasks implements Tasks {

    static final String IDEMPOTENCY_HEADER = "Nubo-Idempotency-Key";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final String domain;

    GatewayTasks(String host, int port, String domain) {
        this.gateway = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/");
        this.domain = domain;
    }

    @Override
    public JsonNode call(Call call) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway)
                .header("Host", call.service() + "." + domain)
                .header("Content-Type", "application/json")
                .header(IDEMPOTENCY_HEADER, call.idempotencyKey())
                // A direct invocation, as Step Functions' Lambda integration makes: a Lambda-style function gets the
                // task's input as its event, not API Gateway's HTTP event (docs/LAMBDA.md); the key proves the server sent it.
                .header(EventHeader.NAME, EventHeader.DIRECT)
                .header(EventHeader.KEY, EventHeader.key())
                .POST(HttpRequest.BodyPublishers.ofString(call.input().toString()));
        call.timeout().ifPresent(request::timeout);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new StatesError(StatesError.TIMEOUT, "service " + call.service() + " did not answer within "
                    + call.timeout().map(Duration::toSeconds).orElse(0L) + " s (TimeoutSeconds)");
        } catch (IOException e) {
            throw new StatesError(StatesError.TASK_FAILED, "service " + call.service() + " could not be called through the gateway at "
                    + gateway + ": " + e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        JsonNode error = body.path("error");
        // Nubo's own error shape, else Lambda's ({"errorType","errorMessage"}), which Lambda-style functions answer.
        String type = error.path("type").asText(error.path("code").asText(body.path("errorType").asText("")));
        String message = error.path("message").asText(body.path("errorMessage").asText(response.body()));
        throw new StatesError(type.isEmpty() ? StatesError.TASK_FAILED : type,
                "service " + call.service() + " answered " + response.statusCode() + ": " + message);
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(body);
        }
    }
}
