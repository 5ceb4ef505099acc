package dev.nubo.javaruntime;

import dev.nubo.function.HttpRequest;
import dev.nubo.lambdahttp.HttpApiEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudEvent delivered in binary mode ({@code ce-*} headers, the body as data), as the one JSON
 * object of CloudEvents' JSON format that a Lambda-style function gets as its event: the whole
 * envelope, as EventBridge targets and Knative functions see it. Header values are percent-decoded as
 * the HTTP binding says; {@code Content-Type} is {@code datacontenttype}; JSON data is {@code data} as
 * JSON, text data a string, anything else {@code data_base64}. A message in structured mode is the
 * envelope already and passes as is.
 */
final class CloudEventEnvelope {

    private static final String STRUCTURED = "application/cloudevents+json";

    private CloudEventEnvelope() {}

    static byte[] json(HttpRequest request) {
        String contentType = request.header("content-type").orElse("");
        if (contentType.toLowerCase(Locale.ROOT).startsWith(STRUCTURED)) {
            return request.body();
        }
        Map<String, Object> event = new LinkedHashMap<>();
        // The required attributes first, then the rest by name: the server's header order is no order.
        for (String required : List.of("specversion", "id", "source", "type")) {
            request.header("ce-" + required).ifPresent(v -> event.put(required, percentDecode(v)));
        }
        request.headers().keySet().stream().filter(name -> name.startsWith("ce-") && !event.containsKey(name.substring(3)))
                .sorted().forEach(name -> event.put(name.substring(3), percentDecode(request.header(name).orElseThrow())));
        if (!contentType.isEmpty()) {
            event.put("datacontenttype", contentType);
        }
        byte[] body = request.body();
        if (body.length > 0) {
            Optional<Object> json = isJson(contentType) ? LambdaJson.read(body) : Optional.empty();
            if (json.isPresent()) {
                event.put("data", json.get());
            } else if (HttpApiEvent.isText(contentType, body) && HttpApiEvent.isUtf8(body)) {
                event.put("data", new String(body, StandardCharsets.UTF_8));
            } else {
                event.put("data_base64", Base64.getEncoder().encodeToString(body));
            }
        }
        return LambdaJson.write(event);
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.isEmpty() || media.endsWith("/json") || media.endsWith("+json");
    }

    /** Percent-decoding of a header value (the binding's, not a form's: {@code +} stays {@code +}). */
    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int high = i + 2 < bytes.length && bytes[i] == '%' ? Character.digit(bytes[i + 1], 16) : -1;
            int low = high < 0 ? -1 : Character.digit(bytes[i + 2], 16);
            if (low >= 0) {
                out.write(high << 4 | low);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
