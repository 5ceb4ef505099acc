package dev.nubo.lambdahttp;

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
 * An HTTP request as API Gateway's HTTP APIs and Lambda function URLs hand it to a function: the
 * payload format 2.0 event ({@code APIGatewayV2HTTPEvent}), as plain JSON values (maps, lists, strings,
 * numbers, booleans) for the caller's JSON library to write. Headers are lower case, repeated ones
 * joined by commas; cookies are taken out of them into {@code cookies}; the query is decoded into
 * {@code queryStringParameters} (repeated names joined by commas) and kept raw in
 * {@code rawQueryString}; a text body is a string, any other body base64 with
 * {@code isBase64Encoded: true}. {@code requestContext} names the service as the API and its domain,
 * the request id, the time of arrival, and the caller's address as the gateway saw it (the last
 * {@code X-Forwarded-For} entry, the one the gateway added).
 *
 * <p>The Java host and the Runtime API bridge both build it from here; Node's and Python's runtimes
 * build the same event (nubo-node.mjs, nubo_python.py); docs/LAMBDA.md says what differs from AWS's.
 *
 * <pre>{@code
 * Map<String, Object> event = HttpApiEvent.of(request, "req-1", "orders", Instant.now());
 * }</pre>
 */
public final class HttpApiEvent {

    /** The account every Nubo function runs in, as Lambda's context and events name it. */
    public static final String ACCOUNT = "000000000000";

    /** The gateway's header that says which source an invocation came from; not the caller's, so not in the event. */
    static final String SOURCE_HEADER = "nubo-event";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private HttpApiEvent() {}

    public static Map<String, Object> of(HttpApiRequest request, String requestId, String service, Instant arrival) {
        Map<String, Object> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            if (name.equals("cookie")) {
                values.forEach(v -> cookies.addAll(List.of(v.split(";\\s*"))));
            } else if (!name.equals(SOURCE_HEADER)) {
                headers.put(name, String.join(",", values));
            }
        });
        String domain = request.header("host").orElse(service).replaceFirst(":\\d+$", "");
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", request.method());
        http.put("path", request.path());
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", sourceIp(request));
        http.put("userAgent", request.header("user-agent").orElse(""));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", ACCOUNT);
        context.put("apiId", service);
        context.put("domainName", domain);
        context.put("domainPrefix", domain.split("\\.", 2)[0]);
        context.put("http", http);
        context.put("requestId", requestId);
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("time", TIME.format(arrival));
        context.put("timeEpoch", arrival.toEpochMilli());

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", request.path());
        event.put("rawQueryString", request.query());
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        if (!request.query().isEmpty()) {
            event.put("queryStringParameters", queryParameters(request.query()));
        }
        event.put("requestContext", context);
        byte[] body = request.body();
        boolean text = body.length == 0 || isText(request.header("content-type").orElse(""), body);
        if (body.length > 0) {
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", !text);
        return event;
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

    private static String sourceIp(HttpApiRequest request) {
        List<String> forwarded = request.headers().getOrDefault("x-forwarded-for", List.of());
        if (forwarded.isEmpty()) {
            return request.peer();
        }
        String last = forwarded.getLast();
        return last.substring(last.lastIndexOf(',') + 1).strip();
    }

    /**
     * Text types arrive as a string, as API Gateway sends them; everything else base64 (a form post
     * included, as HTTP APIs do). A body without a type is text when it is valid UTF-8.
     */
    public static boolean isText(String contentType, byte[] body) {
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.isEmpty()) {
            return isUtf8(body);
        }
        return media.startsWith("text/") || media.endsWith("/json") || media.endsWith("+json") || media.endsWith("/xml")
                || media.endsWith("+xml") || media.equals("application/javascript");
    }

    public static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
