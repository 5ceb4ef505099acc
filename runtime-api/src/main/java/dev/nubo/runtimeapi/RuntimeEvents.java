package dev.nubo.runtimeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.lambdahttp.CloudEventEnvelope;
import dev.nubo.lambdahttp.HttpApiAnswer;
import dev.nubo.lambdahttp.HttpApiEvent;
import dev.nubo.lambdahttp.HttpApiRequest;
import dev.nubo.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The events a custom runtime gets, built by {@code lambda-http} as Nubo's other Lambda runtimes build
 * them (docs/LAMBDA.md), because a custom runtime only ever sees events: a plain HTTP request is API
 * Gateway's HTTP event ({@link HttpApiEvent}; AWS's runtime interface clients decode it into
 * {@code APIGatewayV2HTTPEvent} and the like) and its answer becomes the caller's response
 * ({@link HttpApiAnswer}); a trigger's delivery is the whole CloudEvent ({@link CloudEventEnvelope}).
 * An answer that is no response, a {@code statusCode} that is no HTTP status included, passes as the
 * runtime sent it.
 */
final class RuntimeEvents {

    private RuntimeEvents() {}

    static Buffer event(HttpServerRequest request, Buffer body, String requestId, String service, long arrivalMs) {
        String peer = request.remoteAddress() == null ? "127.0.0.1" : request.remoteAddress().hostAddress();
        HttpApiRequest http = new HttpApiRequest(request.method().name(), request.path(),
                request.query() == null ? "" : request.query(), headers(request), body.getBytes(), peer);
        return write(HttpApiEvent.of(http, requestId, service, Instant.ofEpochMilli(arrivalMs)), request);
    }

    /** A trigger's delivery as the whole CloudEvent ({@link CloudEventEnvelope}); structured mode is that already. */
    static Buffer cloudEvent(HttpServerRequest request, Buffer body) {
        if (CloudEventEnvelope.structured(Optional.ofNullable(request.getHeader("content-type")).orElse(""))) {
            return body;
        }
        return write(CloudEventEnvelope.of(headers(request), body.getBytes(), RuntimeEvents::readTree), request);
    }

    private static Map<String, List<String>> headers(HttpServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(request.headers().getAll(name));
        }
        return headers;
    }

    private static Buffer write(Map<String, Object> event, HttpServerRequest request) {
        try {
            return Buffer.buffer(Json.mapper().writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the event of " + request.path(), e);
        }
    }

    static void send(HttpServerResponse caller, String contentType, Buffer answer) {
        switch (HttpApiAnswer.of(read(answer))) {
            case HttpApiAnswer.Response r -> {
                caller.setStatusCode(r.status());
                r.headers().forEach((name, values) -> values.forEach(v -> caller.headers().add(name, v)));
                caller.end(Buffer.buffer(r.body()));
            }
            case HttpApiAnswer.Text t -> caller.setStatusCode(200).putHeader("content-type", HttpApiAnswer.JSON).end(t.text());
            case HttpApiAnswer.AsSent a -> caller.setStatusCode(200).putHeader("content-type", contentType).end(answer);
            case HttpApiAnswer.BadStatus b -> caller.setStatusCode(200).putHeader("content-type", contentType).end(answer);
        }
    }

    private static Optional<JsonNode> readTree(byte[] data) {
        try {
            return Optional.of(Json.mapper().readTree(data));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Object> read(Buffer answer) {
        try {
            return Optional.ofNullable(Json.mapper().readValue(answer.getBytes(), Object.class));
        } catch (IOException e) {
            return Optional.empty();  // not JSON: passed on as it is
        }
    }
}
