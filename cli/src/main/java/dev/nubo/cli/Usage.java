package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code nubo usage [--since 24h] [--by service|revision|hour] [--service NAME] [-o text|json|csv]}:
 * metering's figures per service, revision or hour; with {@code --api NAME}, what each of an API's
 * keys used instead.
 */
@Command(name = "usage",
        description = "Show usage (invocations, GB-seconds, active GB-seconds, CPU-seconds, bytes in and out) per service, "
                + "revision or hour; with --api, what each of an API's keys used.")
final class Usage extends ClientCommand {

    enum Format { text, json, csv }

    enum By { service, revision, hour }

    @Option(names = "--since", paramLabel = "WHEN", defaultValue = "24h",
            description = "From how long ago (30m, 24h, 7d) or an ISO-8601 time; whole hours (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--by", paramLabel = "GROUP", defaultValue = "service", description = "service (default), revision or hour.")
    By by;

    @Option(names = "--service", paramLabel = "NAME", description = "Only this service.")
    String service;

    @Option(names = "--api", paramLabel = "API", description = "Instead: what each of this API's keys used (today, in all, throttled).")
    String apiName;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), json (the API's JSON) or csv (a header line, then one line per row).")
    Format format;

    Usage(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        if (apiName != null) {
            if (format == Format.csv) {
                throw new ParameterException(spec.commandLine(), "-o csv applies to service usage, not to --api; use -o text or json");
            }
            return ApiKeyCommands.keyUsage(this, apiName, format == Format.json);
        }
        String query = "?since=" + Api.query(since) + "&by=" + by + (service == null ? "" : "&service=" + Api.query(service));
        try (Api api = api()) {
            JsonNode json = api.get("/v1/usage" + query);
            if (format == Format.json) {
                printJson(json);
                return 0;
            }
            List<String> keys = switch (by) {
                case service -> List.of("service");
                case revision -> List.of("service", "revision");
                case hour -> List.of("hour");
            };
            List<String> figures = List.of("invocations", "gbSeconds", "activeGbSeconds", "cpuSeconds", "bytesIn", "bytesOut");
            PrintWriter out = out();
            if (format == Format.csv) {
                out.println(String.join(",", keys) + "," + String.join(",", figures));
                for (JsonNode row : json.path("usage")) {
                    List<String> cells = new ArrayList<>();
                    keys.forEach(k -> cells.add(csv(row.path(k).asText())));
                    figures.forEach(f -> cells.add(row.path(f).asText()));
                    out.println(String.join(",", cells));
                }
            } else if (json.path("usage").isEmpty()) {
                out.println("no usage since " + json.path("since").asText() + "; requests through the gateway and running instances count");
            } else {
                List<String> header = new ArrayList<>(keys.stream().map(k -> k.toUpperCase(java.util.Locale.ROOT)).toList());
                header.addAll(List.of("INVOCATIONS", "GB-S", "ACTIVE GB-S", "CPU-S", "IN", "OUT"));
                Table table = new Table(header.toArray(String[]::new));
                for (JsonNode row : json.path("usage")) {
                    List<String> cells = new ArrayList<>();
                    keys.forEach(k -> cells.add(row.path(k).asText()));
                    cells.add(row.path("invocations").asText());
                    cells.add(String.format(java.util.Locale.ROOT, "%.3f", row.path("gbSeconds").asDouble()));
                    cells.add(String.format(java.util.Locale.ROOT, "%.3f", row.path("activeGbSeconds").asDouble()));
                    cells.add(String.format(java.util.Locale.ROOT, "%.2f", row.path("cpuSeconds").asDouble()));
                    cells.add(Human.bytes(row.path("bytesIn").asLong()));
                    cells.add(Human.bytes(row.path("bytesOut").asLong()));
                    table.row(cells.toArray(String[]::new));
                }
                table.print(out, "");
            }
            out.flush();
            return 0;
        }
    }

    /** A CSV cell: quoted when it holds a comma, quote or line break (service names never do; hours never do). */
    private static String csv(String cell) {
        return cell.matches("[^,\"\\r\\n]*") ? cell : "\"" + cell.replace("\"", "\"\"") + "\"";
    }
}
