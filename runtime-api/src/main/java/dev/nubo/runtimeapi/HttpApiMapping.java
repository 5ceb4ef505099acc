package dev.nubo.runtimeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * API Gateway's payload format 2.0 ({@link HttpApiEvent}, {@link HttpApiAnswer}) on Vert.x: a plain
 * HTTP request to a custom runtime becomes the HTTP event, the same that Nubo's Java, Node and Python
 * runtimes build (docs/LAMBDA.md), because a custom runtime only ever sees events (AWS's runtime
 * interface clients decode it into {@code APIGatewayV2HTTPEvent} and the like); its answer becomes the
 * caller's response. An answer that is no response, a {@code statusCode} that is no HTTP status
 * included, passes as the runtime sent it.
 */
final class HttpApiMapping {

    private HttpApiMapping() {}

    static Buffer event(HttpServerRequest request, Buffer body, String requestId, String service, long arrivalMs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(request.headers().getAll(name));
        }
        String peer = request.remoteAddress() == null ? "127.0.0.1" : request.remoteAddress().hostAddress();
        HttpApiRequest http = new HttpApiRequest(request.method().name(), request.path(),
                request.query() == null ? "" : request.query(), headers, body.getBytes(), peer);
        try {
            return Buffer.buffer(Json.mapper().writeValueAsBytes(HttpApiEvent.of(http, requestId, service, Instant.ofEpochMilli(arrivalMs))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the HTTP event of " + request.path(), e);
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

    private static Optional<Object> read(Buffer answer) {
        try {
            return Optional.ofNullable(Json.mapper().readValue(answer.getBytes(), Object.class));
        } catch (IOException e) {
            return Optional.empty();  // not JSON: passed on as it is
        }
    }
}
