package dev.nubo.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.CloudEventHeader;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * CloudEvents 1.0 over HTTP (the HTTP protocol binding with the JSON event format): reading the
 * binary, structured and batch modes of a request or reply, and writing an event in binary mode.
 *
 * <pre>{@code
 * List<CloudEvent> events = CloudEventsHttp.read(request.headers(), body);  // 400 naming what is wrong
 * CloudEventsHttp.writeBinary(event, request::putHeader);                    // ce-* headers, Content-Type
 * }</pre>
 *
 * <p>Validation is Nubo's own, done before the SDK builds the event, so that a bad event gets a 400
 * naming the attribute and how to fix it rather than a parser's stack trace: {@code specversion}
 * must be {@code 1.0}, or {@code 0.3}, which is taken and stored as 1.0 ({@code schemaurl} becomes
 * {@code dataschema}, base64 {@code data} of {@code datacontentencoding: base64} binary data); {@code id}, {@code source} and {@code type} must be non-empty; {@code source}
 * a URI-reference, {@code dataschema} a URI, {@code time} an RFC 3339 timestamp; attribute names
 * lowercase letters and digits. Building and writing the event is the CloudEvents SDK's.
 */
public final class CloudEventsHttp {

    public static final String STRUCTURED = "application/cloudevents+json";
    public static final String BATCH = "application/cloudevents-batch+json";
    private static final String V03 = "0.3";
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]{1,64}");
    private static final Set<String> CONTEXT = Set.of("specversion", "id", "source", "type", "datacontenttype",
            "dataschema", "subject", "time");

    private CloudEventsHttp() {}

    /**
     * The events of an HTTP message: a batch ({@value #BATCH}), one structured event ({@value #STRUCTURED}),
     * or one binary-mode event ({@code ce-*} headers, the body as data).
     *
     * @param headers every header, names in any case
     * @throws UserError 400 {@code event.invalid} naming the attribute (and the event's place in a batch)
     */
    public static List<CloudEvent> read(Iterable<Map.Entry<String, String>> headers, byte[] body) {
        String contentType = null;
        Map<String, String> ce = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type")) {
                contentType = h.getValue();
            } else if (name.startsWith("ce-")) {
                ce.put(name.substring(3), CloudEventHeader.decode(h.getValue()));
            }
        }
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (mediaType.equals(BATCH)) {
            return batch(body);
        }
        if (mediaType.equals(STRUCTURED)) {
            return List.of(structured(tree(body, "the structured event"), ""));
        }
        if (ce.isEmpty()) {
            throw invalid("", "the request is not a CloudEvent: it has no ce-specversion header and its Content-Type is "
                    + (contentType == null ? "missing" : "'" + contentType + "'"),
                    "send binary mode (ce-specversion: 1.0, ce-id, ce-source, ce-type headers; the body is the data), "
                            + "structured mode (Content-Type: " + STRUCTURED + ") or a batch (Content-Type: " + BATCH + ")");
        }
        return List.of(binary(ce, contentType, body));
    }

    /** Whether an HTTP message carries a CloudEvent, e.g. a service's reply to be chained. */
    public static boolean isEvent(Iterable<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("ce-specversion")) {
                return true;
            }
            if (name.equals("content-type")) {
                String media = h.getValue().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
                if (media.equals(STRUCTURED) || media.equals(BATCH)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Writes {@code event} in binary mode: {@code ce-*} headers (percent-encoded as the binding says),
     * {@code Content-Type} from {@code datacontenttype}, and returns the body, the event's data.
     */
    public static byte[] writeBinary(CloudEvent event, BiConsumer<String, String> putHeader) {
        byte[][] body = {new byte[0]};
        // The SDK writes attribute values as they are; the binding says they are percent-encoded.
        BiConsumer<String, String> encoded = (name, value) -> putHeader.accept(name,
                name.regionMatches(true, 0, "ce-", 0, 3) ? CloudEventHeader.encode(value) : value);
        HttpMessageFactory.createWriter(encoded, bytes -> body[0] = bytes == null ? new byte[0] : bytes).writeBinary(event);
        return body[0];
    }

    private static List<CloudEvent> batch(byte[] body) {
        JsonNode tree = tree(body, "the batch");
        if (!tree.isArray()) {
            throw invalid("", "a batch must be a JSON array of structured events, but the body is a JSON " + tree.getNodeType(),
                    "send [ {\"specversion\":\"1.0\",…}, … ] with Content-Type: " + BATCH);
        }
        List<CloudEvent> events = new ArrayList<>(tree.size());
        for (int i = 0; i < tree.size(); i++) {
            events.add(structured(tree.get(i), "event " + (i + 1) + " of the batch: "));
        }
        return events;
    }

    private static JsonNode tree(byte[] body, String what) {
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw invalid("", what + " is not valid JSON: " + detail, "send a JSON object per event, as the JSON event format says");
        }
    }

    private static CloudEvent structured(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where, "a structured event must be a JSON object", "send {\"specversion\":\"1.0\",\"id\":…,\"source\":…,\"type\":…}");
        }
        ObjectNode object = (ObjectNode) node;
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.equals("data") || name.equals("data_base64")) {
                continue;
            }
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (CONTEXT.contains(name) && !value.isTextual()) {
                throw invalid(where, "the attribute '" + name + "' must be a string, not " + value.getNodeType(), "quote it");
            }
            if (value.isTextual()) {
                attributes.put(name, value.textValue());
            } else if (value.isBoolean()) {
                attributes.put(name, value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToInt()) {
                attributes.put(name, value.intValue());
            } else {
                throw invalid(where, "the extension '" + name + "' is a " + value.getNodeType()
                        + "; extension values are strings, booleans or 32-bit integers", "send it as a string");
            }
        }
        // CloudEvents 0.3 had no data_base64: binary data was a base64 string in `data`, said by datacontentencoding.
        boolean base64In03 = V03.equals(attributes.get("specversion"))
                && "base64".equalsIgnoreCase(String.valueOf(attributes.get("datacontentencoding")));
        CloudEventBuilder builder = context(attributes, where);
        JsonNode data = object.get("data");
        JsonNode base64 = base64In03 ? data : object.get("data_base64");
        if (base64In03) {
            data = null;
        }
        if (data != null && !data.isNull() && base64 != null && !base64.isNull()) {
            throw invalid(where, "the event has both 'data' and 'data_base64'", "send one of them");
        }
        if (base64 != null && !base64.isNull()) {
            try {
                builder.withData(Base64.getDecoder().decode(base64.asText()));
            } catch (IllegalArgumentException e) {
                throw invalid(where, "'data_base64' is not valid base64: " + e.getMessage(), "encode the data with standard base64");
            }
        } else if (data != null && !data.isNull()) {
            String type = (String) attributes.get("datacontenttype");
            boolean json = type == null || isJson(type);
            byte[] bytes = json || !data.isTextual() ? data.toString().getBytes(StandardCharsets.UTF_8)
                    : data.textValue().getBytes(StandardCharsets.UTF_8);
            if (type == null) {
                builder.withDataContentType("application/json");
            }
            builder.withData(bytes);
        }
        return builder.build();
    }

    private static CloudEvent binary(Map<String, String> ce, String contentType, byte[] body) {
        Map<String, Object> attributes = new LinkedHashMap<>(ce);
        if (contentType != null && !contentType.isBlank()) {
            attributes.put("datacontenttype", contentType);
        }
        CloudEventBuilder builder = context(attributes, "");
        if (body.length > 0) {
            builder.withData(body);
        }
        return builder.build();
    }

    /** Validates the context attributes and starts a builder with them; data is the caller's. */
    private static CloudEventBuilder context(Map<String, Object> attributes, String where) {
        Object version = attributes.get("specversion");
        if (version == null) {
            throw invalid(where, "the required attribute 'specversion' is missing", "set it to 1.0 (header ce-specversion in binary mode)");
        }
        if (V03.equals(version)) {
            upgrade(attributes);
        } else if (!"1.0".equals(version)) {
            throw invalid(where, "specversion '" + version + "' is not supported",
                    "Nubo speaks CloudEvents 1.0 (and takes 0.3, stored as 1.0): set specversion to 1.0");
        }
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(required(attributes, "id", where))
                .withSource(uriReference(required(attributes, "source", where), "source", where))
                .withType(required(attributes, "type", where));
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            String name = a.getKey();
            String text = String.valueOf(a.getValue());
            switch (name) {
                case "specversion", "id", "source", "type" -> { }
                case "datacontenttype" -> builder.withDataContentType(text);
                case "subject" -> builder.withSubject(nonEmpty(text, name, where));
                case "dataschema" -> builder.withDataSchema(uriReference(text, name, where));
                case "time" -> builder.withTime(time(text, where));
                default -> {
                    if (!ATTRIBUTE_NAME.matcher(name).matches()) {
                        throw invalid(where, "'" + name + "' is not a valid attribute name",
                                "attribute names are lowercase letters a-z and digits 0-9 only");
                    }
                    switch (a.getValue()) {
                        case Boolean b -> builder.withExtension(name, b);
                        case Integer i -> builder.withExtension(name, i);
                        default -> builder.withExtension(name, text);
                    }
                }
            }
        }
        return builder;
    }

    /**
     * A 0.3 event's attributes as 1.0's, as the 1.0 specification's changes list them: {@code schemaurl}
     * is {@code dataschema}; {@code datacontentencoding} is gone (the data it described is decoded by then).
     */
    private static void upgrade(Map<String, Object> attributes) {
        Object schema = attributes.remove("schemaurl");
        if (schema != null) {
            attributes.put("dataschema", schema);
        }
        attributes.remove("datacontentencoding");
        attributes.put("specversion", "1.0");
    }

    private static String required(Map<String, Object> attributes, String name, String where) {
        Object value = attributes.get(name);
        if (value == null) {
            throw invalid(where, "the required attribute '" + name + "' is missing",
                    "set it (header ce-" + name + " in binary mode, member \"" + name + "\" in structured mode)");
        }
        return nonEmpty(String.valueOf(value), name, where);
    }

    private static String nonEmpty(String value, String name, String where) {
        if (value.isEmpty()) {
            throw invalid(where, "the attribute '" + name + "' is empty", "give it a non-empty value");
        }
        return value;
    }

    private static URI uriReference(String value, String name, String where) {
        try {
            return new URI(nonEmpty(value, name, where));
        } catch (URISyntaxException e) {
            throw invalid(where, "the attribute '" + name + "' is not a URI-reference: " + e.getMessage(),
                    "use e.g. /shop/orders or https://example.com/orders, with spaces and the like percent-encoded");
        }
    }

    private static OffsetDateTime time(String value, String where) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(where, "the attribute 'time' is not an RFC 3339 timestamp: '" + value + "'",
                    "write e.g. 2026-11-21T10:00:00Z or 2026-11-21T11:00:00.123+01:00");
        }
    }

    static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.equals("text/json") || media.endsWith("+json");
    }

    private static UserError invalid(String where, String message, String hint) {
        return UserError.badRequest("event.invalid", where + message, hint);
    }
}
