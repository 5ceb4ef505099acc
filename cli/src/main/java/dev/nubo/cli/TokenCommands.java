package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo token create|list|revoke}: scoped API tokens, each with a role (docs/SECURITY.md), so
 * that people and programs need not share the admin token.
 */
@Command(name = "token", description = "Create, list and revoke API tokens with a role: admin, developer, viewer, invoker or producer.",
        subcommands = {TokenCommands.Create.class, TokenCommands.ListTokens.class, TokenCommands.Revoke.class})
final class TokenCommands extends Group {

    @Command(name = "create", description = "Create a token; it is printed once, on standard output, and only its hash is kept.")
    static final class Create extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "What the token is for, e.g. ci-deploy; the audit log records it.")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "admin, developer (deploys and manages), viewer (reads), invoker (calls services), producer (posts events).")
        String role;

        @Option(names = "--broker", paramLabel = "BROKER", description = "For a producer: a broker it may post events to (repeat for more).")
        List<String> brokers = new ArrayList<>();

        @Option(names = "--expires", paramLabel = "AFTER", description = "How long the token lasts, e.g. 30d, 12h, 90m. Default: until revoked.")
        String expires;

        @Mixin
        Output output;

        Create(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                ObjectNode body = Json.mapper().createObjectNode().put("name", name).put("role", role);
                brokers.forEach(body.putArray("brokers")::add);
                Optional.ofNullable(expires).ifPresent(e -> body.put("expires", e));
                // Only the flag limits a token: NUBO_NAMESPACE picks where commands act, not what a new token may do.
                Optional.ofNullable(connection.namespace).ifPresent(ns -> body.put("namespace", ns));
                JsonNode created = api.post("/v1/tokens", body);
                if (output.json()) {
                    printJson(created);
                    return 0;
                }
                out().println(created.get("token").asText());
                out().flush();
                err().println("token " + name + " (role " + created.get("role").asText()
                        + (created.path("namespace").isTextual() ? ", namespace " + created.get("namespace").asText() : "") + ") created; it is shown only now:"
                        + " send it as `Authorization: Bearer <token>` or set NUBO_TOKEN");
                err().flush();
                return 0;
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the tokens: names, roles, brokers, expiry; never the tokens.")
    static final class ListTokens extends ClientCommand {

        @Mixin
        Output output;

        ListTokens(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get("/v1/tokens"), "tokens",
                        "no tokens besides the admin token; create one with `nubo token create NAME --role ROLE`",
                        new Table("NAME", "ROLE", "NAMESPACE", "BROKERS", "CREATED", "EXPIRES"), JsonNode.class, (table, t) -> table.row(
                                t.get("name").asText(), t.get("role").asText(), t.path("namespace").isTextual() ? t.get("namespace").asText() : "*", brokers(t), t.get("createdAt").asText(),
                                t.path("expiresAt").isTextual() ? t.get("expiresAt").asText() : "never"));
            }
        }

        private static String brokers(JsonNode t) {
            List<String> names = new ArrayList<>();
            t.path("brokers").forEach(b -> names.add(b.asText()));
            return names.isEmpty() ? "-" : String.join(",", names);
        }
    }

    @Command(name = "revoke", description = "Revoke a token: requests with it are refused from now on.")
    static final class Revoke extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The token's name.")
        String name;

        Revoke(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                api.delete("/v1/tokens/" + Api.segment(name));
                out().println("revoked token " + name);
                out().flush();
                return 0;
            }
        }
    }
}
