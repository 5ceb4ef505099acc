package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nubo apikey create|list|revoke} and {@code nubo usage}: an API's keys, their usage plans and what they used. */
@Command(name = "apikey", description = "Make, list and revoke an API's keys (sent in x-api-key), each with its usage plan.",
        subcommands = {ApiKeyCommands.Create.class, ApiKeyCommands.ListKeys.class, ApiKeyCommands.Revoke.class})
final class ApiKeyCommands extends Group {

    static String path(String api) {
        return "/v1/apis/" + Api.segment(api) + "/keys";
    }

    @Command(name = "create", description = "Make a key for an API; the key is shown this once only.")
    static final class Create extends ClientCommand {

        @Option(names = "--api", required = true, description = "The API the key is for.")
        String apiName;

        @Option(names = "--rate", description = "Requests per second, steady (default 10).")
        Double rate;

        @Option(names = "--burst", description = "Requests at once above the rate (default 20).")
        Integer burst;

        @Option(names = "--quota", description = "Requests per UTC day (default: no quota).")
        Long quota;

        @Mixin
        Output output;

        Create(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            ObjectNode body = Json.mapper().createObjectNode();
            if (rate != null) {
                body.put("rate", rate);
            }
            if (burst != null) {
                body.put("burst", burst);
            }
            if (quota != null) {
                body.put("dailyQuota", quota);
            }
            try (Api api = api()) {
                JsonNode key = api.post(path(apiName), body);
                if (output.json()) {
                    printJson(key);
                    return 0;
                }
                JsonNode plan = key.path("plan");
                new Screen(out(), env).done("key " + key.path("id").asText() + " for API " + apiName + ": " + plan.path("rate").asDouble()
                        + " requests/s, bursts of " + plan.path("burst").asInt()
                        + (plan.path("dailyQuota").asLong() > 0 ? ", " + plan.path("dailyQuota").asLong() + " a day" : ""));
                out().println(key.path("key").asText());
                out().println("send it as the x-api-key header; it is not shown again");
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "List an API's keys (ids and plans; never the keys themselves).")
    static final class ListKeys extends ClientCommand {

        @Option(names = "--api", required = true, description = "The API.")
        String apiName;

        @Mixin
        Output output;

        ListKeys(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                JsonNode json = api.get(path(apiName));
                if (output.json()) {
                    printJson(json);
                    return 0;
                }
                Table table = new Table("ID", "RATE/S", "BURST", "DAILY QUOTA", "CREATED", "REVOKED");
                for (JsonNode k : json.path("keys")) {
                    JsonNode plan = k.path("plan");
                    table.row(k.path("id").asText(), plan.path("rate").asText(), plan.path("burst").asText(),
                            plan.path("dailyQuota").asLong() == 0 ? "-" : plan.path("dailyQuota").asText(), k.path("created").asText(),
                            k.path("revoked").asBoolean() ? "yes" : "no");
                }
                if (json.path("keys").isEmpty()) {
                    out().println("API " + apiName + " has no keys; make one with `nubo apikey create --api " + apiName + "`");
                } else {
                    table.print(out(), "");
                }
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "revoke", description = "Revoke a key: requests with it get 403 from now on.")
    static final class Revoke extends ClientCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "The key's id, as `nubo apikey list` shows it.")
        String id;

        @Option(names = "--api", required = true, description = "The API.")
        String apiName;

        Revoke(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                api.delete(path(apiName) + "/" + Api.segment(id));
                new Screen(out(), env).done("key " + id + " revoked");
                return 0;
            }
        }
    }

    /** {@code nubo usage --api NAME}: what each of an API's keys used (the {@code usage} command with {@code --api}). */
    static int keyUsage(ClientCommand command, String apiName, boolean json) {
        try (Api api = command.api()) {
            JsonNode body = api.get("/v1/apis/" + Api.segment(apiName) + "/usage");
            if (json) {
                command.printJson(body);
                return 0;
            }
            Table table = new Table("KEY", "TODAY", "TOTAL", "THROTTLED", "REVOKED");
            for (JsonNode k : body.path("keys")) {
                table.row(k.path("id").asText(), k.path("today").asText(), k.path("total").asText(), k.path("throttled").asText(),
                        k.path("revoked").asBoolean() ? "yes" : "no");
            }
            table.print(command.out(), "");
            command.out().flush();
            return 0;
        }
    }
}
