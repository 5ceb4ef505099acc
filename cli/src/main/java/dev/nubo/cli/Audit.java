package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nubo audit}: the changes made through the control API, who made them, from where, and how they ended. */
@Command(name = "audit", description = "Show the audit log: every change made through the API, oldest first.")
final class Audit extends ClientCommand {

    @Option(names = "--since", paramLabel = "AGO", defaultValue = "1d",
            description = "How far back: 1d, 12h, 30m, or an instant such as 2026-12-03T12:00:00Z. Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most this many of the newest entries. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Mixin
    Output output;

    Audit(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        try (Api api = api()) {
            JsonNode entries = api.get("/v1/audit?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8) + "&limit=" + atLeastOne(limit, "--limit"));
            return printList(api, output, entries, "entries", "no changes since " + since,
                    new Table("TIME", "WHO", "METHOD", "TARGET", "FROM", "STATUS"), JsonNode.class, (table, e) -> table.row(
                            e.get("at").asText(), e.get("caller").asText(), e.get("method").asText(), e.get("target").asText(),
                            e.get("address").asText(), e.get("status").asText()));
        }
    }
}
