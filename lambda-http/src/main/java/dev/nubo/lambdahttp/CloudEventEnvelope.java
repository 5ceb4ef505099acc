package dev.nubo.lambdahttp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A CloudEvent delivered in binary mode ({@code ce-*} headers, the body as data), as the one JSON
 * object of CloudEvents' JSON format that a Lambda-style function gets as its event: the whole
 * envelope, as EventBridge targets and Knative functions see it. Header values are percent-decoded as
 * the HTTP binding says; {@code Content-Type} is {@code datacontenttype}; JSON data is {@code data} as
 * JSON, UTF-8 text of a text type a string, anything else {@code data_base64}. A message in structured
 * mode is the envelope already and passes as is ({@link #structured}).
 *
 * <pre>{@code
 * byte[] event = CloudEventEnvelope.structured(contentType) ? body
 *         : json.write(CloudEventEnvelope.of(headers, body, json::read));
 * }</pre>
 */
public final class CloudEventEnvelope {

    private CloudEventEnvelope() {}

    /** Whether a message of this {@code Content-Type} is in structured mode, the envelope already. */
    public static boolean structured(String contentType) {
        return media(contentType).equals("application/cloudevents+json");
    }

    /**
     * The envelope of a binary-mode message.
     *
     * @param headers the headers, names in lower case
     * @param json reads JSON data into a value the caller's JSON library writes back; empty when it is not JSON
     */
    public static Map<String, Object> of(Map<String, List<String>> headers, byte[] body, Function<byte[], Optional<?>> json) {
        Map<String, Object> event = new LinkedHashMap<>();
        // The required attributes first, then the rest by name: the server's header order is no order.
        for (String required : List.of("specversion", "id", "source", "type")) {
            first(headers, "ce-" + required).ifPresent(v -> event.put(required, percentDecode(v)));
        }
        headers.keySet().stream().filter(name -> name.startsWith("ce-") && !event.containsKey(name.substring(3))).sorted()
                .forEach(name -> event.put(name.substring(3), percentDecode(first(headers, name).orElseThrow())));
        String contentType = first(headers, "content-type").orElse("");
        if (!contentType.isEmpty()) {
            event.put("datacontenttype", contentType);
        }
        if (body.length > 0) {
            String media = media(contentType);
            Optional<?> data = media.isEmpty() || media.endsWith("/json") || media.endsWith("+json") ? json.apply(body) : Optional.empty();
            if (data.isPresent()) {
                event.put("data", data.get());
            } else if (HttpApiEvent.isText(contentType, body) && HttpApiEvent.isUtf8(body)) {
                event.put("data", new String(body, StandardCharsets.UTF_8));
            } else {
                event.put("data_base64", Base64.getEncoder().encodeToString(body));
            }
        }
        return event;
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        return headers.getOrDefault(name, List.of()).stream().findFirst();
    }

    private static String media(String contentType) {
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Percent-decoding of a header value (the binding's, not a form's: {@code +} stays {@code +}); a
     * {@code %} not followed by two hex digits stays. The broker decodes as {@code model}'s
     * {@code CloudEventHeader} does, the same way; the Java host cannot reach {@code model}.
     */
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
