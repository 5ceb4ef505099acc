package dev.nubo.events;

import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.cloudevents.types.Time;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One condition a trigger puts on an event's attribute, any attribute, extensions included: the
 * attribute's value must equal, start with, or end with {@code value}. An event without the
 * attribute matches no filter on it. Values are compared as their canonical strings (times in RFC
 * 3339 as sent, URIs as written), case-sensitively, as in Knative's filters.
 */
public record Filter(String attribute, Match match, String value) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,64}");

    public enum Match {
        EXACT, PREFIX, SUFFIX;

        static Match parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw UserError.badRequest("trigger.invalid", "'" + text + "' is not a filter match",
                        "use exact, prefix or suffix");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Filter {
        if (attribute == null || !NAME.matcher(attribute).matches()) {
            throw UserError.badRequest("trigger.invalid", "'" + attribute + "' is not a CloudEvents attribute name",
                    "filter on type, source, subject, id, or an extension: lowercase letters and digits");
        }
        if (value == null) {
            throw UserError.badRequest("trigger.invalid", "the filter on '" + attribute + "' has no value", "write ATTRIBUTE=VALUE");
        }
    }

    /**
     * A filter from its written parts, as the API and the stored triggers have them.
     *
     * @param match {@code exact}, {@code prefix} or {@code suffix}
     * @throws UserError 400 {@code trigger.invalid} naming what is wrong
     */
    public static Filter of(String attribute, String match, String value) {
        return new Filter(attribute, Match.parse(match), value);
    }

    boolean matches(CloudEvent event) {
        return attribute(event, attribute).map(v -> switch (match) {
            case EXACT -> v.equals(value);
            case PREFIX -> v.startsWith(value);
            case SUFFIX -> v.endsWith(value);
        }).orElse(false);
    }

    /** The canonical string of {@code event}'s attribute {@code name}, context attribute or extension. */
    static Optional<String> attribute(CloudEvent event, String name) {
        Object value = switch (name) {
            case "specversion" -> event.getSpecVersion().toString();
            case "id" -> event.getId();
            case "source" -> event.getSource();
            case "type" -> event.getType();
            case "datacontenttype" -> event.getDataContentType();
            case "dataschema" -> event.getDataSchema();
            case "subject" -> event.getSubject();
            case "time" -> event.getTime();
            default -> event.getExtension(name);
        };
        if (value instanceof OffsetDateTime t) {
            return Optional.of(Time.writeTime(t));
        }
        return Optional.ofNullable(value).map(String::valueOf);
    }

    @Override
    public String toString() {
        return attribute + (match == Match.EXACT ? "=" : match == Match.PREFIX ? "^=" : "$=") + value;
    }
}
