package dev.nubo.runtimeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain HTTP request to a custom runtime as API Gateway's HTTP APIs and function URLs hand it to a
 * function: the payload format 2.0 event, the same that Nubo's Java, Node and Python runtimes build
 * (docs/LAMBDA.md). The bridge builds it because a custom runtime only ever sees events: AWS's runtime
 * interface clients then decode it into {@code APIGatewayV2HTTPEvent} and the like.
 */
final class HttpApiEvent {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private HttpApiEvent() {}

    static Buffer of(HttpServerRequest request, Buffer body, String requestId, String service, long arrivalMs) {
        Map<String, Object> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (String name : request.headers().names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            List<String> values = request.headers().getAll(name);
            if (lower.equals("cookie")) {
                values.forEach(v -> cookies.addAll(List.of(v.split(";\\s*"))));
            } else if (!lower.equals("nubo-event")) {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        }
        String host = request.getHeader("host") == null ? service : request.getHeader("host");
        String domain = host.replaceFirst(":\\d+$", "");
        String path = request.path();
        String query = request.query() == null ? "" : request.query();
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", request.method().name());
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", sourceIp(request));
        http.put("userAgent", request.getHeader("user-agent") == null ? "" : request.getHeader("user-agent"));
        Instant arrival = Instant.ofEpochMilli(arrivalMs);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", "000000000000");
        context.put("apiId", service);
        context.put("domainName", domain);
        context.put("domainPrefix", domain.split("\\.", 2)[0]);
        context.put("http", http);
        context.put("requestId", requestId);
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("time", TIME.format(arrival));
        context.put("timeEpoch", arrivalMs);

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", query);
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        if (!query.isEmpty()) {
            event.put("queryStringParameters", queryParameters(query));
        }
        event.put("requestContext", context);
        byte[] bytes = body.getBytes();
        boolean text = bytes.length == 0 || isText(request.getHeader("content-type"), bytes);
        if (bytes.length > 0) {
            event.put("body", text ? new String(bytes, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(bytes));
        }
        event.put("isBase64Encoded", !text);
        try {
            return Buffer.buffer(Json.mapper().writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the HTTP event of " + request.path(), e);
        }
    }

    private static Map<String, String> queryParameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a stray '%': keep it as sent
        }
    }

    /** The address the gateway saw: the last {@code X-Forwarded-For} entry, the one it added. */
    private static String sourceIp(HttpServerRequest request) {
        List<String> forwarded = request.headers().getAll("x-forwarded-for");
        if (forwarded.isEmpty()) {
            return request.remoteAddress() == null ? "127.0.0.1" : request.remoteAddress().hostAddress();
        }
        String last = forwarded.getLast();
        return last.substring(last.lastIndexOf(',') + 1).strip();
    }

    /** Text types arrive as a string, as API Gateway sends them; a body without a type when it is UTF-8. */
    static boolean isText(String contentType, byte[] body) {
        String media = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.isEmpty()) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
        return media.startsWith("text/") || media.endsWith("/json") || media.endsWith("+json") || media.endsWith("/xml")
                || media.endsWith("+xml") || media.equals("application/javascript");
    }
}
