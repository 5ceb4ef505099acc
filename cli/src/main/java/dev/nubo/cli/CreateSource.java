package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code nubo source create cron|webhook|kafka NAME ... (--to SERVICE[/path] | --broker NAME)}: one
 * subcommand per kind, each adding its settings to what every source has, a name and a target.
 */
@Command(name = "create", description = "Create an event source: a schedule (cron), a webhook, or a Kafka topic.",
        subcommands = {CreateSource.CreateCron.class, CreateSource.CreateWebhook.class, CreateSource.CreateKafka.class})
final class CreateSource extends Group {

    /** Where a source's events go: straight to a service, or into a broker for its triggers. */
    static final class Target {

        @Option(names = "--to", required = true, paramLabel = "SERVICE[/PATH]|workflow:NAME",
                description = "Send the events to this service, at this path (default /); or to workflow:NAME, "
                        + "each starting an execution (one per event id).")
        String service;

        @Option(names = "--broker", required = true, paramLabel = "NAME",
                description = "Send the events into this broker, for its triggers to route.")
        String broker;

        /** {@code orders/events} or {@code broker:default}, as the API takes it. */
        String text() {
            return service != null ? service : "broker:" + broker;
        }
    }

    /** What creating any kind of source does: send the name, kind, target and the kind's settings; show the answer. */
    abstract static class Creation extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The source.")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1", heading = "Where the events go (one of):%n")
        Target target;

        @Mixin
        Output output;

        Creation(Env env) {
            super(env);
        }

        /** cron, webhook or kafka: the kind, and the name of its settings in the request. */
        abstract String kind();

        abstract ObjectNode settings();

        /** The line after {@code ✓ source NAME created}: when it runs, where to send to, what it reads. */
        abstract void printCreated(Source source, PrintWriter out);

        @Override
        public Integer call() {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("name", name).put("kind", kind()).put("to", target.text());
            body.set(kind(), settings());
            try (Api api = api()) {
                JsonNode answer = api.post("/v1/sources", body);
                if (output.json()) {
                    printJson(answer);
                    return 0;
                }
                Source source = api.read(answer, Source.class);
                new Screen(out(), env).done("source " + source.name() + " created: " + source.kind() + " to "
                        + source.to());
                printCreated(source, out());
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "cron",
            description = "Create a source that makes an event on a schedule, e.g. every night at three.",
            footerHeading = "%nExamples:%n",
            footer = {
                    "  nubo source create cron nightly --schedule '0 3 * * *' --tz Europe/Paris \\",
                    "      --type report.due --broker default",
                    "  nubo source create cron tick --schedule '*/5 * * * *' -d '{\"check\": true}' \\",
                    "      --to health/check"})
    static final class CreateCron extends Creation {

        @Option(names = "--schedule", required = true, paramLabel = "EXPR",
                description = "When, as cron's five fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'.")
        String schedule;

        @Option(names = "--tz", paramLabel = "ZONE", converter = ZoneConverter.class,
                description = "The time zone the schedule is in, e.g. Europe/Paris (default: UTC).")
        String timeZone;

        @Option(names = "--type", paramLabel = "TYPE", description = "The events' type attribute, e.g. report.due.")
        String type;

        @Mixin
        EventData eventData = new EventData();

        CreateCron(Env env) {
            super(env);
        }

        @Override
        String kind() {
            return "cron";
        }

        @Override
        ObjectNode settings() {
            ObjectNode cron = Json.mapper().createObjectNode().put("schedule", schedule);
            if (timeZone != null) {
                cron.put("timeZone", timeZone);
            }
            if (type != null) {
                cron.put("type", type);
            }
            if (eventData.given()) {
                cron.put("data", new String(eventData.read(env), StandardCharsets.UTF_8)).put("contentType", eventData.mediaType());
            } else if (eventData.contentType != null) {
                cron.put("contentType", eventData.contentType);
            }
            return cron;
        }

        @Override
        void printCreated(Source source, PrintWriter out) {
            if (source.cron() != null) {
                out.println("  schedule: " + source.cron().text() + (source.status().next() == null ? ""
                        : "; next " + Human.when(source.status().next(), env.clock().instant())));
            }
        }
    }

    @Command(name = "webhook",
            description = "Create a source that turns each request to its URL into an event: configure that URL in the "
                    + "sender, e.g. a Git host's webhook settings. With a secret, only signed requests are taken.")
    static final class CreateWebhook extends Creation {

        @Option(names = "--secret", paramLabel = "SECRET",
                description = "The secret the sender signs requests with. Visible to other users of this machine "
                        + "while the command runs; --secret-file is not.")
        String secret;

        @Option(names = "--secret-file", paramLabel = "FILE",
                description = "Read the secret from FILE, or - for standard input.")
        String secretFile;

        @Option(names = "--type", paramLabel = "TYPE", description = "The events' type attribute, e.g. com.github.push.")
        String type;

        CreateWebhook(Env env) {
            super(env);
        }

        @Override
        String kind() {
            return "webhook";
        }

        @Override
        ObjectNode settings() {
            if (secret != null && secretFile != null) {
                throw new ParameterException(spec.commandLine(),
                        "Give the secret once: --secret or --secret-file, not both");
            }
            ObjectNode webhook = Json.mapper().createObjectNode();
            String s = secretFile != null ? readSecret() : secret;
            if (s != null) {
                webhook.put("secret", s);
            }
            if (type != null) {
                webhook.put("type", type);
            }
            return webhook;
        }

        private String readSecret() {
            String from = secretFile.equals("-") ? "standard input" : secretFile;
            String s;
            try {
                s = secretFile.equals("-") ? new String(env.stdin().readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(secretFile));
            } catch (IOException e) {
                throw new CommandError("cannot read the secret from " + from + " (" + e + ")",
                        "give a readable file, or - to read it from standard input");
            }
            // A file written by `echo` ends with a line break that is not part of the secret.
            s = s.replaceAll("[\r\n]+$", "");
            if (s.isEmpty()) {
                throw new CommandError("the secret in " + from + " is empty",
                        "put the secret in it, or leave out --secret-file for a webhook that takes unsigned requests");
            }
            return s;
        }

        @Override
        void printCreated(Source source, PrintWriter out) {
            out.println("  configure the sender to POST to "
                    + (source.url().isEmpty() ? "(the server gave no URL)" : source.url()));
            if (source.webhook() != null && source.webhook().unsigned()) {
                err().println("note: " + source.name() + " takes unsigned requests: anyone who can reach the URL can send "
                        + "events (create it with --secret to require a signature)");
                err().flush();
            }
        }
    }

    @Command(name = "kafka", description = "Create a source that turns each record of a Kafka topic into an event.")
    static final class CreateKafka extends Creation {

        /** {@code host:port} or {@code [ipv6]:port}, comma-separated. */
        private static final String SERVER = "([^,:\\s]+|\\[[0-9A-Fa-f:.]+]):\\d{1,5}";
        private static final Pattern SERVERS = Pattern.compile(SERVER + "(," + SERVER + ")*");

        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
                description = "The Kafka brokers to connect through first, e.g. 127.0.0.1:9092.")
        String bootstrap;

        @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to read.")
        String topic;

        @Option(names = "--group", paramLabel = "GROUP", description = "The consumer group (default: the server's choice).")
        String group;

        CreateKafka(Env env) {
            super(env);
        }

        @Override
        String kind() {
            return "kafka";
        }

        @Override
        ObjectNode settings() {
            if (!SERVERS.matcher(bootstrap).matches()) {
                throw new ParameterException(spec.commandLine(), "--bootstrap '" + bootstrap
                        + "' is not HOST:PORT[,HOST:PORT...]; write it like 127.0.0.1:9092");
            }
            ObjectNode kafka = Json.mapper().createObjectNode().put("bootstrapServers", bootstrap).put("topic", topic);
            if (group != null) {
                kafka.put("group", group);
            }
            return kafka;
        }

        @Override
        void printCreated(Source source, PrintWriter out) {
            if (source.kafka() != null) {
                out.println("  reading " + source.kafka().text()
                        + (source.kafka().group() == null ? "" : " as group " + source.kafka().group()));
            }
        }
    }

    static final class ZoneConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                ZoneId.of(value);
                return value;
            } catch (DateTimeException e) {
                throw new TypeConversionException("'" + value
                        + "' is not a time zone; use a region such as Europe/Paris, or UTC");
            }
        }
    }
}
