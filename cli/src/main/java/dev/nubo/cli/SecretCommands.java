package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code nubo secret set|list|delete}: values sealed on the server (AES-GCM under its master key) that
 * services take into their environment with {@code env: {DB_PASSWORD: {secret: db/password}}}.
 * Values go up, never come back: list shows names and keys.
 */
@Command(name = "secret", description = "Set, list and delete secrets: values encrypted on the server, given to services as variables.",
        subcommands = {SecretCommands.Set.class, SecretCommands.ListSecrets.class, SecretCommands.Delete.class})
final class SecretCommands extends Group {

    @Command(name = "set", description = "Set keys of a secret (creating it); other keys stay. Services that use it get a new revision"
            + " when a value changes.")
    static final class Set extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The secret, e.g. db.")
        String name;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Keys and values, e.g. password=s3cret.")
        List<String> pairs = new ArrayList<>();

        @Option(names = "--from-file", paramLabel = "KEY=FILE", description = "A key whose value is a file's content (repeat for more).")
        List<String> files = new ArrayList<>();

        @Mixin
        Output output;

        Set(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            ObjectNode values = Json.mapper().createObjectNode();
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new ParameterException(spec.commandLine(), "'" + pair + "' is not KEY=VALUE (e.g. password=s3cret)");
                }
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            for (String file : files) {
                int eq = file.indexOf('=');
                if (eq < 1) {
                    throw new ParameterException(spec.commandLine(), "--from-file takes KEY=FILE (e.g. tls.key=./server.key), not '" + file + "'");
                }
                try {
                    values.put(file.substring(0, eq), Files.readString(Path.of(file.substring(eq + 1)), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new CommandError("cannot read " + file.substring(eq + 1) + ": " + e.getMessage(), "check the path after " + file.substring(0, eq) + "=");
                }
            }
            if (values.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "give at least one KEY=VALUE or --from-file KEY=FILE");
            }
            try (Api api = api()) {
                ObjectNode body = Json.mapper().createObjectNode();
                body.set("values", values);
                JsonNode stored = api.put("/v1/secrets/" + Api.segment(name), body);
                if (output.json()) {
                    printJson(stored);
                    return 0;
                }
                List<String> rolled = new ArrayList<>();
                stored.path("rolled").forEach(r -> rolled.add(r.asText()));
                out().println(!stored.path("changed").asBoolean() ? "secret " + name + " unchanged"
                        : "secret " + name + " set (version " + stored.get("version").asText() + ")"
                                + (rolled.isEmpty() ? "" : "; deploying " + String.join(", ", rolled) + " to use it"));
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the secrets and their keys; never their values.")
    static final class ListSecrets extends ClientCommand {

        @Mixin
        Output output;

        ListSecrets(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get("/v1/secrets"), "secrets", "no secrets yet; set one with `nubo secret set NAME KEY=VALUE`",
                        new Table("NAME", "KEYS", "VERSION", "UPDATED"), JsonNode.class, (table, s) -> {
                            List<String> keys = new ArrayList<>();
                            s.path("keys").forEach(k -> keys.add(k.asText()));
                            table.row(s.get("name").asText(), String.join(",", keys), s.get("version").asText(), s.get("updatedAt").asText());
                        });
            }
        }
    }

    @Command(name = "delete", description = "Delete a secret that no service uses.")
    static final class Delete extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The secret.")
        String name;

        Delete(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete("/v1/secrets/" + Api.segment(name), "secret ", name);
        }
    }
}
