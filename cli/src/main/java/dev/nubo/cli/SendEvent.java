package dev.nubo.cli;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code nubo events send --type T --source S [-d DATA]}: one CloudEvent into a broker, in the HTTP
 * binding's binary mode: the attributes as {@code ce-*} headers, the data as the body, its content
 * type as {@code Content-Type}.
 */
@Command(name = "send",
        description = "Send one CloudEvent to a broker, which hands it to the triggers whose filters it passes.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  nubo events send --type order.created --source /shop -d '{\"order\": 7}'",
                "  nubo events send --broker shop --type order.created --source /shop \\",
                "      --subject 7 --extension tenant=acme -d @order.json"})
final class SendEvent extends ClientCommand {

    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z0-9]{1,64}");

    /** The attributes this command sets from options of their own, which an extension must not repeat. */
    private static final Set<String> OWN = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype");

    @Option(names = "--broker", paramLabel = "NAME", defaultValue = "default",
            description = "The broker (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "What happened, e.g. order.created; triggers usually filter on it.")
    String type;

    @Option(names = "--source", required = true, paramLabel = "SOURCE",
            description = "Where it happened, a URI reference, e.g. /shop or https://example.com/shop.")
    String source;

    @Option(names = "--id", paramLabel = "ID",
            description = "The event's id, unique for its source (default: a random UUID).")
    String id;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "What the event is about within the source, e.g. 7.")
    String subject;

    @Option(names = "--time", paramLabel = "RFC3339", converter = TimeConverter.class,
            description = "When it happened, e.g. 2026-11-21T10:00:00Z.")
    String time;

    @Option(names = "--extension", paramLabel = "NAME=VALUE", converter = ExtensionConverter.class,
            description = "An extension attribute, e.g. tenant=acme. Repeatable.")
    List<Extension> extensions = new ArrayList<>();

    @Mixin
    EventData eventData = new EventData();

    SendEvent(Env env) {
        super(env);
    }

    record Extension(String name, String value) {}

    @Override
    public Integer call() {
        byte[] body = eventData.read(env);
        String eventId = id == null ? UUID.randomUUID().toString() : id;
        try (Api api = api()) {
            HttpRequest.Builder request = api.request(Brokers.path(broker) + "/events")
                    .POST(BodyPublishers.ofByteArray(body))
                    .header("ce-specversion", "1.0")
                    .header("ce-id", encoded(eventId))
                    .header("ce-source", encoded(source))
                    .header("ce-type", encoded(type));
            if (subject != null) {
                request.header("ce-subject", encoded(subject));
            }
            if (time != null) {
                request.header("ce-time", time);
            }
            for (Extension e : extensions) {
                request.header("ce-" + e.name(), encoded(e.value()));
            }
            if (eventData.given() || eventData.contentType != null) {
                request.header("Content-Type", eventData.mediaType());
            }
            api.call(request);
            out().println("accepted event " + eventId + " into broker " + broker);
            out().flush();
            return 0;
        }
    }

    /**
     * A header value as the CloudEvents HTTP binding writes it: UTF-8, with space, {@code "}, {@code %}
     * and everything outside printable ASCII percent-encoded.
     */
    static String encoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '"' && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    static final class TimeConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                OffsetDateTime.parse(value);
                return value;
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an RFC 3339 time; write it like "
                        + "2026-11-21T10:00:00Z or 2026-11-21T11:00:00+01:00");
            }
        }
    }

    static final class ExtensionConverter implements ITypeConverter<Extension> {
        @Override
        public Extension convert(String text) {
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw new TypeConversionException("'" + text
                        + "' is not an extension; write it as NAME=VALUE, e.g. tenant=acme");
            }
            String name = text.substring(0, eq);
            if (!ATTRIBUTE.matcher(name).matches()) {
                throw new TypeConversionException("'" + name + "' is not a CloudEvents attribute name: "
                        + "lowercase letters and digits only, e.g. tenant");
            }
            if (OWN.contains(name)) {
                throw new TypeConversionException("'" + name + "' is not an extension; " + switch (name) {
                    case "specversion" -> "nubo always sends specversion 1.0";
                    case "datacontenttype" -> "set it with --content-type";
                    default -> "set it with --" + name;
                });
            }
            return new Extension(name, text.substring(eq + 1));
        }
    }
}
