package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo api deploy|list|rollback|delete}: APIs from OpenAPI documents, each stage at
 * {@code http://NAME.<domain>/STAGE/...} (docs/CLI.md, "APIs").
 */
@Command(name = "api",
        description = "Deploy OpenAPI documents as APIs in front of services, list, roll back and delete them.",
        subcommands = {Apis.DeployApi.class, Apis.ListApis.class, Apis.RollbackApi.class, Apis.DeleteApi.class})
final class Apis extends Group {

    @Command(name = "deploy", description = "Deploy an OpenAPI 3 document (YAML or JSON) to a stage; a redeploy makes the stage's next version.")
    static final class DeployApi extends ClientCommand {

        @Parameters(index = "0", paramLabel = "FILE", description = "The OpenAPI document, e.g. openapi.yaml.")
        Path file;

        @Option(names = "--stage", defaultValue = "prod", description = "The stage, its first path segment (default: prod).")
        String stage;

        @Option(names = "--var", paramLabel = "NAME=VALUE", description = "A stage variable, for ${stageVariables.NAME} in the document; repeatable.")
        Map<String, String> variables = new LinkedHashMap<>();

        @Mixin
        Output output;

        DeployApi(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            String document;
            try {
                document = Files.readString(file);
            } catch (IOException e) {
                throw new CommandError("cannot read " + file + ": " + e.getMessage(), "pass the path of an OpenAPI document");
            }
            ObjectNode body = Json.mapper().createObjectNode().put("document", document).put("stage", stage);
            body.set("variables", Json.mapper().valueToTree(variables));
            try (Api api = api()) {
                JsonNode answer = api.post("/v1/apis", body);
                if (output.json()) {
                    printJson(answer);
                    return 0;
                }
                new Screen(out(), env).done("API " + answer.path("name").asText() + " v" + answer.path("version").asInt()
                        + " serves " + answer.path("url").asText() + " (" + answer.path("operations").size() + " operations)");
                for (JsonNode op : answer.path("operations")) {
                    out().println("  " + op.path("route").asText() + " -> " + op.path("to").asText());
                }
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the APIs' stages: the version serving, and the URL.")
    static final class ListApis extends ClientCommand {

        @Mixin
        Output output;

        ListApis(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                JsonNode json = api.get("/v1/apis");
                if (output.json()) {
                    printJson(json);
                    return 0;
                }
                if (json.path("apis").isEmpty()) {
                    out().println("no APIs yet; deploy one with `nubo api deploy openapi.yaml`");
                } else {
                    Table table = new Table("NAME", "STAGE", "VERSION", "OPERATIONS", "URL");
                    for (JsonNode a : json.path("apis")) {
                        table.row(a.path("name").asText(), a.path("stage").asText(), "v" + a.path("version").asInt() + " of " + a.path("versions").asInt(),
                                Integer.toString(a.path("operations").size()), a.path("url").asText());
                    }
                    table.print(out(), "");
                }
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "rollback", description = "Serve an API stage's previous version again (or --version N).")
    static final class RollbackApi extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The API.")
        String name;

        @Option(names = "--stage", defaultValue = "prod", description = "The stage (default: prod).")
        String stage;

        @Option(names = "--version", paramLabel = "N", description = "The version to serve; default: the one before the current.")
        Integer version;

        RollbackApi(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            ObjectNode body = Json.mapper().createObjectNode();
            if (version != null) {
                body.put("version", version);
            }
            try (Api api = api()) {
                JsonNode answer = api.post("/v1/apis/" + Api.segment(name) + "/stages/" + Api.segment(stage) + "/rollback", body);
                new Screen(out(), env).done("API " + name + " (" + stage + ") serves v" + answer.path("version").asInt() + " again");
                return 0;
            }
        }
    }

    @Command(name = "delete", description = "Delete an API with all its stages and versions.")
    static final class DeleteApi extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The API.")
        String name;

        DeleteApi(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete("/v1/apis/" + Api.segment(name), "API ", name);
        }
    }
}
