package dev.nubo.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code arn:aws:states:::http:invoke} task, in Step Functions' shape: the task's input names
 * {@code ApiEndpoint}, {@code Method}, and optionally {@code Headers}, {@code QueryParameters} and
 * {@code RequestBody} (JSON, sent as JSON; a string, sent as it is); the result is {@code {StatusCode,
 * StatusText, Headers, ResponseBody}} (the body parsed when it is JSON). An answer outside 2xx fails
 * with {@code States.Http.StatusCode.NNN}, no answer with {@code States.Http.Socket}, as in Step
 * Functions. The call carries {@code Nubo-Idempotency-Key}. Step Functions' {@code Authentication}
 * (an EventBridge connection) has no Nubo counterpart: it is ignored, and headers carry credentials.
 */
final class HttpInvoke {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    JsonNode call(String state, JsonNode input, String key, Optional<Duration> timeout) throws InterruptedException {
        String endpoint = input.path("ApiEndpoint").asText("");
        String method = input.path("Method").asText("").toUpperCase(java.util.Locale.ROOT);
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw StatesError.runtime("state \"" + state + "\": http:invoke needs ApiEndpoint, an http:// or https:// URL, not \"" + endpoint + "\"");
        }
        if (!METHODS.contains(method)) {
            throw StatesError.runtime("state \"" + state + "\": http:invoke needs Method, one of " + METHODS + ", not \"" + method + "\"");
        }
        StringBuilder uri = new StringBuilder(endpoint);
        input.path("QueryParameters").properties().forEach(p -> uri.append(uri.indexOf("?") < 0 ? '?' : '&')
                .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(p.getValue().isTextual() ? p.getValue().asText() : p.getValue().toString(), StandardCharsets.UTF_8)));
        JsonNode body = input.get("RequestBody");
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(uri.toString()));
        } catch (IllegalArgumentException e) {
            throw StatesError.runtime("state \"" + state + "\": ApiEndpoint \"" + uri + "\" is not a URL: " + e.getMessage());
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.isTextual() ? body.asText() : body.toString()));
        if (body != null && !body.isTextual()) {
            request.header("Content-Type", "application/json");
        }
        input.path("Headers").properties().forEach(h -> request.header(h.getKey(), h.getValue().asText()));
        request.header(GatewayTasks.IDEMPOTENCY_HEADER, key);
        timeout.ifPresent(request::timeout);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new StatesError(StatesError.TIMEOUT, endpoint + " did not answer within " + timeout.map(Duration::toSeconds).orElse(0L)
                    + " s (TimeoutSeconds)");
        } catch (IOException | IllegalArgumentException e) {
            throw new StatesError("States.Http.Socket", method + " " + endpoint + " failed: " + e);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("StatusCode", response.statusCode())
                .put("StatusText", reason(response.statusCode()));
        ObjectNode headers = result.putObject("Headers");
        response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
        result.set("ResponseBody", parse(response.body()));
        if (response.statusCode() / 100 != 2) {
            throw new StatesError("States.Http.StatusCode." + response.statusCode(), method + " " + endpoint + " answered "
                    + response.statusCode() + ": " + abbreviated(response.body()));
        }
        return result;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return JsonNodeFactory.instance.textNode("");
        }
        try {
            return Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(body);
        }
    }

    private static String abbreviated(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
