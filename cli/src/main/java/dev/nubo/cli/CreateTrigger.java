package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import dev.nubo.model.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code nubo trigger create NAME --to SERVICE[/path] [--filter ATTR=VALUE]...}: send the events of a
 * broker that pass every filter to a service. The filters and durations are checked before anything
 * is sent, so a typo is a usage mistake rather than a trigger that never matches.
 */
@Command(name = "create",
        description = {"Create a trigger: the events of a broker whose attributes pass every filter are POSTed to "
                + "the service (CloudEvents in binary mode), retried with backoff when it fails, and set aside as "
                + "dead letters after the last attempt.",
                "Filters compare an attribute (type, source, subject, id, or an extension) with a value, "
                        + "case-sensitively; an event without the attribute passes no filter on it. Delivery options "
                        + "left out take the server's defaults, which `nubo trigger describe` shows."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  nubo trigger create orders --filter type=order.created --to orders/events",
                "      order.created events of the default broker to the orders service's /events",
                "  nubo trigger create audit --broker shop --filter-prefix source=/shop \\",
                "      --to audit --attempts 10 --backoff 1s --dead-letter audit/failed --max-pending 500"})
final class CreateTrigger extends ClientCommand {

    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z0-9]{1,64}");

    @Parameters(index = "0", paramLabel = "NAME", description = "The trigger.")
    String name;

    @Option(names = "--broker", paramLabel = "NAME", defaultValue = "default",
            description = "The broker whose events to take (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--filter", paramLabel = "ATTR=VALUE", converter = AssignmentConverter.class,
            description = "Only events whose attribute equals the value, e.g. type=order.created. Repeatable; "
                    + "an event must pass every filter.")
    List<Assignment> exact = new ArrayList<>();

    @Option(names = "--filter-prefix", paramLabel = "ATTR=VALUE", converter = AssignmentConverter.class,
            description = "Only events whose attribute starts with the value, e.g. source=/shop. Repeatable.")
    List<Assignment> prefix = new ArrayList<>();

    @Option(names = "--filter-suffix", paramLabel = "ATTR=VALUE", converter = AssignmentConverter.class,
            description = "Only events whose attribute ends with the value (subject=.png: PNG files). Repeatable.")
    List<Assignment> suffix = new ArrayList<>();

    @Option(names = "--to", required = true, paramLabel = "SERVICE[/PATH]|workflow:NAME",
            description = "The service that takes the events, and the path it takes them at (default /); "
                    + "or workflow:NAME, whose executions the events start (one per event id).")
    String to;

    @Option(names = "--attempts", paramLabel = "N",
            description = "How many times to send an event, the first included.")
    Integer attempts;

    @Option(names = "--backoff", paramLabel = "DURATION", converter = WaitOptions.DurationConverter.class,
            description = "The wait after the first failed attempt, doubling after each next one, e.g. 200ms.")
    Duration backoff;

    @Option(names = "--max-backoff", paramLabel = "DURATION", converter = WaitOptions.DurationConverter.class,
            description = "The longest wait between attempts.")
    Duration maxBackoff;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = WaitOptions.DurationConverter.class,
            description = "How long one attempt may take.")
    Duration timeout;

    @Option(names = "--max-pending", paramLabel = "N",
            description = "How many of the trigger's events may wait for delivery at once (the server's default: "
                    + "10000); beyond that, new events for it go to the dead letters, to be replayed once it has "
                    + "caught up.")
    Integer maxPending;

    @Option(names = "--dead-letter", paramLabel = "SERVICE[/PATH]|dead-letters",
            description = "Where an event goes after its last failed attempt: a service, or dead-letters, "
                    + "the store that `nubo events dead-letters` lists and `nubo events replay` resends.")
    String deadLetter;

    @Mixin
    Output output;

    CreateTrigger(Env env) {
        super(env);
    }

    /** {@code ATTR=VALUE} as typed. */
    record Assignment(String attribute, String value) {}

    @Override
    public Integer call() {
        ObjectNode body = body();
        try (Api api = api()) {
            JsonNode answer = api.post("/v1/triggers", body);
            if (output.json()) {
                printJson(answer);
                return 0;
            }
            Trigger t = api.read(answer, Trigger.class);
            new Screen(out(), env).done("trigger " + t.name() + " created");
            out().println("  " + (t.filters().isEmpty() ? "every event of broker " + t.broker() + " goes to "
                    : "events of broker " + t.broker() + " where " + t.filterText() + " go to ") + t.to());
            out().flush();
            return 0;
        }
    }

    private ObjectNode body() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("name", name);
        body.put("broker", broker);
        ArrayNode filters = body.putArray("filters");
        addFilters(filters, "exact", exact);
        addFilters(filters, "prefix", prefix);
        addFilters(filters, "suffix", suffix);
        body.put("to", to);
        ObjectNode delivery = Json.mapper().createObjectNode();
        if (attempts != null) {
            if (attempts < 1) {
                throw new ParameterException(spec.commandLine(),
                        "--attempts must be at least 1: it counts every send, the first included (1 means no retry)");
            }
            delivery.put("attempts", attempts);
        }
        putDuration(delivery, "backoff", "--backoff", backoff);
        putDuration(delivery, "maxBackoff", "--max-backoff", maxBackoff);
        putDuration(delivery, "timeout", "--timeout", timeout);
        if (backoff != null && maxBackoff != null && maxBackoff.compareTo(backoff) < 0) {
            throw new ParameterException(spec.commandLine(), "--max-backoff " + Quantities.formatDuration(maxBackoff)
                    + " is shorter than --backoff " + Quantities.formatDuration(backoff));
        }
        if (deadLetter != null) {
            delivery.put("deadLetter", deadLetter);
        }
        if (!delivery.isEmpty()) {
            body.set("delivery", delivery);
        }
        if (maxPending != null) {
            if (maxPending < 1) {
                throw new ParameterException(spec.commandLine(), "--max-pending must be at least 1: it is how many of the "
                        + "trigger's events may wait for delivery at once");
            }
            body.put("maxPending", maxPending);
        }
        return body;
    }

    private static void addFilters(ArrayNode filters, String match, List<Assignment> assignments) {
        for (Assignment a : assignments) {
            filters.addObject().put("attribute", a.attribute()).put("match", match).put("value", a.value());
        }
    }

    private void putDuration(ObjectNode delivery, String field, String option, Duration value) {
        if (value == null) {
            return;
        }
        if (value.isZero()) {
            throw new ParameterException(spec.commandLine(), option + " must be longer than 0, e.g. 200ms or 5s");
        }
        delivery.put(field, Quantities.formatDuration(value));
    }

    /** {@code type=order.created}: a CloudEvents attribute name, then the value, which may be empty. */
    static final class AssignmentConverter implements ITypeConverter<Assignment> {
        @Override
        public Assignment convert(String text) {
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw new TypeConversionException("'" + text + "' is not a filter; write it as ATTRIBUTE=VALUE, "
                        + "e.g. type=order.created");
            }
            String attribute = text.substring(0, eq);
            if (!ATTRIBUTE.matcher(attribute).matches()) {
                throw new TypeConversionException("'" + attribute + "' is not a CloudEvents attribute name; filter on "
                        + "type, source, subject, id, or an extension: lowercase letters and digits");
            }
            return new Assignment(attribute, text.substring(eq + 1));
        }
    }
}
