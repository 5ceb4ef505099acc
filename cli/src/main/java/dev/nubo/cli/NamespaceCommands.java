package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo ns create|list|set|delete}: namespaces, each with its services, its tokens and its
 * quotas (docs/SECURITY.md, "Namespaces"). The other commands pick one with {@code -n NAMESPACE}.
 */
@Command(name = "ns", aliases = "namespace", description = "Create, list, change and delete namespaces and their quotas.",
        subcommands = {NamespaceCommands.Create.class, NamespaceCommands.ListNamespaces.class, NamespaceCommands.Set.class,
                NamespaceCommands.Remove.class})
final class NamespaceCommands extends Group {

    /** The quota flags of {@code create} and {@code set}; one left out is none (create) or unchanged (set). */
    static final class Quotas {
        @Option(names = "--max-services", paramLabel = "N", description = "The most services the namespace may hold; 0 for no limit.")
        Long maxServices;

        @Option(names = "--max-instances", paramLabel = "N", description = "The most instances its services may run together; 0 for no limit.")
        Long maxInstances;

        @Option(names = "--max-memory", paramLabel = "SIZE", description = "The most memory its instances may be given together, e.g. 8Gi; 0 for no limit.")
        String maxMemory;

        ObjectNode into(ObjectNode body) {
            if (maxServices != null) {
                body.put("maxServices", maxServices);
            }
            if (maxInstances != null) {
                body.put("maxInstances", maxInstances);
            }
            if (maxMemory != null) {
                body.put("maxMemory", maxMemory);
            }
            return body;
        }
    }

    @Command(name = "create", description = "Create a namespace; its services answer at NAME.NAMESPACE.<domain>.")
    static final class Create extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The namespace, e.g. team-a.")
        String name;

        @Mixin
        Quotas quotas;

        Create(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                api.post("/v1/namespaces", quotas.into(Json.mapper().createObjectNode().put("name", name)));
                out().println("created namespace " + name + "; deploy into it with `nubo deploy -n " + name + " DIR`");
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "set", description = "Change a namespace's quotas; those not given stay as they are.")
    static final class Set extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The namespace.")
        String name;

        @Mixin
        Quotas quotas;

        Set(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                JsonNode ns = api.put("/v1/namespaces/" + Api.segment(name), quotas.into(Json.mapper().createObjectNode()));
                out().println("namespace " + name + ": " + quotas(ns));
                out().flush();
                return 0;
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the namespaces with their quotas and what they hold.")
    static final class ListNamespaces extends ClientCommand {

        @Mixin
        Output output;

        ListNamespaces(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get("/v1/namespaces"), "namespaces", "no namespaces",
                        new Table("NAME", "SERVICES", "INSTANCES", "MEMORY", "QUOTAS"), JsonNode.class, (table, n) -> table.row(
                                n.get("name").asText(), String.valueOf(n.path("usage").path("services").size()),
                                n.path("usage").path("instances").asText(), n.path("usage").path("memory").asText(), quotas(n)));
            }
        }
    }

    @Command(name = "delete", description = "Delete an empty namespace (no services, no tokens limited to it).")
    static final class Remove extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The namespace.")
        String name;

        Remove(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete("/v1/namespaces/" + Api.segment(name), "namespace ", name);
        }
    }

    /** {@code max-services 20, max-instances 50, max-memory 8Gi}, or {@code none}. */
    static String quotas(JsonNode namespace) {
        List<String> set = new ArrayList<>();
        JsonNode q = namespace.path("quotas");
        for (String[] field : new String[][] {{"maxServices", "max-services"}, {"maxInstances", "max-instances"}, {"maxMemory", "max-memory"}}) {
            if (!q.path(field[0]).isNull() && !q.path(field[0]).isMissingNode()) {
                set.add(field[1] + " " + q.get(field[0]).asText());
            }
        }
        return set.isEmpty() ? "none" : String.join(", ", set);
    }
}
