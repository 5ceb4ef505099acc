package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo alert set|delete} and {@code nubo alerts}: rules that watch a service's figures and
 * notify a webhook, a service or a broker when one fires and when it resolves
 * (docs/OBSERVABILITY.md, "Alerts").
 */
@Command(name = "alert", description = "Set and delete alert rules; `nubo alerts` lists them with their state.",
        subcommands = {AlertCommands.Set.class, AlertCommands.Apply.class, AlertCommands.Delete.class})
final class AlertCommands extends Group {

    @Command(name = "set", description = "Create or replace an alert rule: it fires when its condition holds for its duration,"
            + " and notifies on firing and on resolving.")
    static final class Set extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The rule, e.g. shop-errors.")
        String name;

        @Option(names = "--service", paramLabel = "SERVICE", required = true, description = "The service whose figures it watches.")
        String service;

        @Option(names = "--when", paramLabel = "CONDITION", required = true, description = "FIGURE > THRESHOLD: error_rate > 5%,"
                + " p99 > 500ms, cold_starts > 10%, dead_letters > 0 or crashing > 0.")
        String when;

        @Option(names = "--for", paramLabel = "DURATION", defaultValue = "0s",
                description = "How long the condition must hold before the rule fires (default: ${DEFAULT-VALUE}: at once).")
        String hold;

        @Option(names = "--notify", paramLabel = "TARGET", required = true,
                description = "Who hears of it: an http(s) URL (POSTed JSON), service:NAME or broker:NAME (a CloudEvent).")
        String notify;

        @Mixin
        Output output;

        Set(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            ObjectNode body = Json.mapper().createObjectNode().put("service", service).put("when", when).put("for", hold).put("notify", notify);
            try (Api api = api()) {
                JsonNode rule = api.put("/v1/alerts/" + Api.segment(name), body);
                if (output.json()) {
                    printJson(rule);
                    return 0;
                }
                out().println("alert " + name + " set: " + rule.path("when").asText() + " on " + service + " for "
                        + rule.path("for").asText() + " notifies " + notify);
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "apply", description = "Make the rules in a file the whole set: create or replace each, delete the rules it"
            + " leaves out. Nothing changes when any rule is wrong.")
    static final class Apply extends ClientCommand {

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true,
                description = "YAML: alerts: [{name, service, when, for, notify}, ...] (docs/OBSERVABILITY.md).")
        java.nio.file.Path file;

        @Mixin
        Output output;

        Apply(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            JsonNode rules;
            try {
                rules = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                        .readTree(file.toFile());
            } catch (java.io.IOException e) {
                throw new CommandError("cannot read " + file + ": " + e.getMessage(),
                        "write it as YAML: alerts: followed by a list of rules with name, service, when, for and notify");
            }
            if (rules == null || !rules.isObject()) {
                throw new CommandError(file + " holds no rules", "write alerts: followed by a list of rules with name, service, when, for and notify");
            }
            try (Api api = api()) {
                JsonNode result = api.put("/v1/alerts", rules);
                if (output.json()) {
                    printJson(result);
                    return 0;
                }
                out().println("alert rules applied from " + file + ": " + Human.count(result.path("rules").size(), "rule") + ", "
                        + result.path("changed").size() + " created or changed, " + result.path("deleted").size() + " deleted"
                        + (result.path("deleted").isEmpty() ? "" : " (" + String.join(", ", texts(result.path("deleted"))) + ")"));
                out().flush();
                return 0;
            }
        }

        private static List<String> texts(JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(n -> out.add(n.asText()));
            return out;
        }
    }

    @Command(name = "delete", description = "Delete an alert rule.")
    static final class Delete extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The rule.")
        String name;

        Delete(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete("/v1/alerts/" + Api.segment(name), "alert ", name);
        }
    }

    /** {@code nubo alerts}: every rule with its state, since when, its last figure, then the last notifications. */
    @Command(name = "alerts", description = "List alert rules with their state (ok, pending, firing), since when, the figure at the"
            + " last evaluation and the last notifications.")
    static final class ListAlerts extends ClientCommand {

        @Mixin
        Output output;

        ListAlerts(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                JsonNode json = api.get("/v1/alerts");
                if (output.json()) {
                    printJson(json);
                    return 0;
                }
                PrintWriter out = out();
                if (json.path("alerts").isEmpty()) {
                    out.println("no alert rules yet; set one with `nubo alert set NAME --service S --when 'error_rate > 5%' --for 1m --notify URL`");
                    out.flush();
                    return 0;
                }
                Instant now = env.clock().instant();
                Table table = new Table("NAME", "SERVICE", "WHEN", "FOR", "STATE", "SINCE", "LAST", "NOTIFY");
                List<String> sent = new ArrayList<>();
                for (JsonNode a : json.path("alerts")) {
                    table.row(a.path("name").asText(), a.path("service").asText("-"), a.path("when").asText("-"), a.path("for").asText("-"),
                            a.path("state").asText(), a.has("since") ? Human.relative(Instant.parse(a.path("since").asText()), now) : "-",
                            a.path("value").asText("-"), a.path("notify").asText(a.path("error").asText("-")));
                    for (JsonNode n : a.path("notifications")) {
                        sent.add(a.path("name").asText() + "  " + n.path("event").asText() + " at " + n.path("at").asText() + " ("
                                + n.path("value").asText() + "): " + n.path("outcome").asText() + ", " + Human.count(n.path("attempts").asInt(), "attempt"));
                    }
                }
                table.print(out, "");
                if (!sent.isEmpty()) {
                    out.println();
                    out.println("Last notifications, newest first:");
                    sent.forEach(line -> out.println("  " + line));
                }
                out.flush();
                return 0;
            }
        }
    }
}
