package dev.nubo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The control API as the CLI sees it: JSON in, JSON out, and every failure turned into a
 * {@link CommandError} that says what went wrong in the user's terms. See docs/API.md.
 */
final class Api implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Connection connection;
    private final HttpClient http;

    Api(Connection connection) {
        this.connection = connection;
        // HTTP/1.1 because the API speaks it, and the default would try an h2c upgrade first.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    JsonNode get(String path) {
        return json(request(path).timeout(CALL_TIMEOUT).GET());
    }

    JsonNode post(String path, JsonNode body) {
        return json(request(path).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body.toString())));
    }

    /** As {@link #post}, without a timeout: the server builds from source before it answers, which takes what it takes. */
    JsonNode postAndWait(String path, JsonNode body) {
        return json(request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body.toString())));
    }

    JsonNode put(String path, JsonNode body) {
        return json(request(path).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(body.toString())));
    }

    JsonNode delete(String path) {
        return json(request(path).timeout(CALL_TIMEOUT).DELETE());
    }

    /**
     * Uploads without a timeout of its own: a big zip on a slow link takes what it takes. The body
     * waits for the server's {@code 100 Continue}, so a refusal by its length (413 over the upload
     * limit, 507 over the free disk) comes back at once instead of after, or instead of, the body.
     */
    JsonNode upload(String path, BodyPublisher zip) {
        return json(request(path).header("Content-Type", "application/zip").expectContinue(true).POST(zip));
    }

    /**
     * Sends a request the caller built (headers of its own, a body that is not JSON) and reads the
     * API's JSON answer, keeping the status for callers to whom 200 (there already) and 201
     * (created) differ.
     */
    Answer call(HttpRequest.Builder request) {
        return answer(request.timeout(CALL_TIMEOUT));
    }

    /** A 2xx answer of the API: its status and its JSON. */
    record Answer(int status, JsonNode json) {}

    /**
     * Sends a conditional request ({@code If-Match}): its answer, or empty when the server says the
     * resource changed since the version named (412), for the caller to read it again and retry.
     */
    Optional<Answer> callIfUnchanged(HttpRequest.Builder request) {
        HttpResponse<String> response = send(request.timeout(CALL_TIMEOUT).header("Accept", "application/json").build(),
                BodyHandlers.ofString());
        return response.statusCode() == 412 ? Optional.empty() : Optional.of(parse(response));
    }

    /** A request to the API with the token on it, for callers that need the raw response. */
    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(connection.api() + pathAndQuery));
        connection.token().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder;
    }

    /** Sends as is; only a failure to reach the server becomes an error. */
    <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("timed out connecting");
        } catch (ConnectException e) {
            throw unreachable("connection refused");
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandError("interrupted while talking to " + connection.api());
        }
    }

    /** The API's error for a non-2xx answer, in its own words when it gave them. */
    CommandError error(int status, String body) {
        try {
            JsonNode error = Json.mapper().readTree(body).path("error");
            if (error.hasNonNull("message")) {
                return new CommandError(error.get("message").asText(), error.path("hint").asText(""));
            }
        } catch (JsonProcessingException e) {
            // not the API's error shape: a proxy or something else answered; say so below
        }
        String firstLine = body.lines().findFirst().orElse("").strip();
        return new CommandError("HTTP " + status + " from " + connection.api()
                + (firstLine.isEmpty() ? "" : ": " + firstLine),
                "is " + connection.api() + " a Nubo server's API address? Check NUBO_SERVER / --server");
    }

    <T> T read(JsonNode node, Class<T> type) {
        try {
            return Json.mapper().treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new CommandError("the server at " + connection.api() + " sent a " + type.getSimpleName()
                    + " this nubo cannot read (" + e.getOriginalMessage() + ")",
                    "use the nubo command that came with the server; GET /v1/info shows its version");
        }
    }

    URI address() {
        return connection.api();
    }

    /** A path segment such as a service name, encoded for the URL. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }

    private JsonNode json(HttpRequest.Builder request) {
        return answer(request).json();
    }

    private Answer answer(HttpRequest.Builder request) {
        return parse(send(request.header("Accept", "application/json").build(), BodyHandlers.ofString()));
    }

    private Answer parse(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw error(response.statusCode(), response.body());
        }
        try {
            return new Answer(response.statusCode(), Json.mapper().readTree(response.body()));
        } catch (JsonProcessingException e) {
            throw new CommandError("the server at " + connection.api() + " answered with something that is not JSON",
                    "is " + connection.api() + " a Nubo server's API address? Check NUBO_SERVER / --server");
        }
    }

    private CommandError unreachable(String why) {
        return new CommandError("cannot reach the Nubo server at " + connection.api() + " (" + why + ")",
                "start it with `bin/nubo server`, or set NUBO_SERVER / --server");
    }
}
