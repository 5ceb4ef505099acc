package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nubo.model.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo workflow deploy|create|list|start|executions|describe|history|stop}: durable workflows
 * in the Amazon States Language (docs/CLI.md, "Workflows").
 */
@Command(name = "workflow",
        description = "Deploy workflows (Amazon States Language) and start, list, describe, follow and stop their executions.",
        subcommands = {WorkflowCommands.DeployWorkflow.class, WorkflowCommands.CreateWorkflow.class, WorkflowCommands.ListWorkflows.class,
                WorkflowCommands.Start.class, WorkflowCommands.Executions.class, WorkflowCommands.DescribeExecution.class,
                WorkflowCommands.History.class, WorkflowCommands.Stop.class, TaskOutcome.Success.class,
                TaskOutcome.Failure.class, TaskOutcome.Heartbeat.class})
final class WorkflowCommands extends Group {

    static final String FILE_NAME = "nubo.yaml";

    /** Stores {@code definition} as workflow {@code name}'s next version and says which. */
    static int put(ClientCommand command, ClientCommand.Output output, String name, String definition, String type, boolean http) {
        try (Api api = command.api()) {
            ObjectNode body = Json.mapper().createObjectNode().put("definition", definition).put("type", type).put("http", http);
            JsonNode v = api.put("/v1/workflows/" + Api.segment(name), body);
            if (output.json()) {
                command.printJson(v);
            } else {
                command.out().println("workflow " + v.path("name").asText() + " version " + v.path("version").asInt()
                        + (v.path("type").asText().equals("express") ? " (express: runs in memory, keeps no history)" : "")
                        + "; start it with `nubo workflow start " + name + " --input '{}'`"
                        + (v.has("url") ? " or POST its input to " + v.path("url").asText() : ""));
                command.out().flush();
            }
            return 0;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CommandError("cannot read " + file + " (" + e + ")", "name a file that holds the definition, JSON or YAML");
        }
    }

    @Command(name = "deploy", description = "Deploy the workflow in DIR: its nubo.yaml has kind: workflow, name and definition "
            + "(a file next to it, or the definition inline).")
    static final class DeployWorkflow extends ClientCommand {

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
                description = "The workflow's directory, or its nubo.yaml (default: the current directory).")
        Path source;

        @Mixin
        Output output;

        DeployWorkflow(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            Path yaml = Files.isDirectory(source) ? source.resolve(FILE_NAME) : source;
            String hint = "a workflow's nubo.yaml says: kind: workflow, name: NAME, definition: flow.asl.json";
            if (!Files.isRegularFile(yaml)) {
                throw new CommandError("no " + FILE_NAME + " in " + source.toAbsolutePath().normalize(), hint);
            }
            JsonNode descriptor;
            try {
                descriptor = new YAMLMapper().readTree(yaml.toFile());
            } catch (IOException e) {
                throw new CommandError(yaml + " is not YAML: " + e.getMessage(), hint);
            }
            if (descriptor == null || !descriptor.path("kind").asText().equals("workflow")) {
                throw new CommandError(yaml + " does not say kind: workflow", hint + " (a service is deployed with `nubo deploy`)");
            }
            String name = descriptor.path("name").asText("");
            if (name.isEmpty()) {
                throw new CommandError(yaml + ": name is missing", hint);
            }
            JsonNode definition = descriptor.path("definition");
            String text = definition.isTextual() ? read(yaml.toAbsolutePath().getParent().resolve(definition.asText()))
                    : definition.isObject() ? definition.toString() : null;
            if (text == null) {
                throw new CommandError(yaml + ": definition is missing: name the ASL file, or write the definition under it", hint);
            }
            JsonNode http = descriptor.path("http");
            if (!http.isMissingNode() && !http.isBoolean()) {
                throw new CommandError(yaml + ": http must be true or false", "http: true puts the workflow on the gateway at NAME.<domain>");
            }
            return put(this, output, name, text, descriptor.path("type").asText("standard"), http.asBoolean(false));
        }
    }

    @Command(name = "create", description = "Create a workflow (or its next version) from an ASL definition file, JSON or YAML.")
    static final class CreateWorkflow extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The workflow.")
        String name;

        @Option(names = "--definition", required = true, paramLabel = "FILE", description = "The definition: ASL in JSON or YAML.")
        Path definition;

        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "standard",
                description = "standard (durable, with a history; the default) or express (in memory, for high rates).")
        String type;

        @Option(names = "--http", description = "Put the workflow on the gateway at NAME.<domain>: a request's body starts it, "
                + "the answer is its output.")
        boolean http;

        @Mixin
        Output output;

        CreateWorkflow(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return put(this, output, name, read(definition), type, http);
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the workflows and their newest versions.")
    static final class ListWorkflows extends ClientCommand {

        @Mixin
        Output output;

        ListWorkflows(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get("/v1/workflows"), "workflows",
                        "no workflows yet; deploy one with `nubo workflow deploy DIR`", new Table("NAME", "VERSION", "TYPE", "URL", "CREATED"),
                        JsonNode.class, (table, w) -> table.row(w.path("name").asText(), w.path("version").asText(),
                                w.path("type").asText("standard"), w.path("url").asText("-"),
                                Human.when(Instant.parse(w.path("createdAt").asText()), env.clock().instant())));
            }
        }
    }

    @Command(name = "start", description = "Start an execution of a workflow; with --name, starting the same name again "
            + "returns the first execution.")
    static final class Start extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The workflow.")
        String workflow;

        @Option(names = "--input", paramLabel = "JSON", defaultValue = "{}", description = "The execution's input (default {}).")
        String input;

        @Option(names = "--name", paramLabel = "EXECUTION", description = "The execution's name (default: a random one).")
        String name;

        @Option(names = "--wait", description = "Wait until the execution ends and print how (exit 1 unless it succeeded).")
        boolean await;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "How long --wait waits (default 300).")
        int timeout;

        @Mixin
        Output output;

        Start(Env env) {
            super(env);
        }

        @Override
        public Integer call() throws InterruptedException {
            ObjectNode body = Json.mapper().createObjectNode();
            try {
                body.set("input", Json.mapper().readTree(input));
            } catch (IOException e) {
                throw new CommandError("--input is not JSON: " + e.getMessage(), "e.g. --input '{\"order\": 42}'");
            }
            if (name != null) {
                body.put("name", name);
            }
            try (Api api = api()) {
                // With --wait the server holds the answer until the execution ends (up to a minute): the only way to get
                // an express execution's outcome, which is not recorded; a longer durable one is then followed by polling.
                JsonNode execution = api.post("/v1/workflows/" + Api.segment(workflow) + "/executions"
                        + (await ? "?wait=" + Math.max(1, Math.min(timeout, 60)) : ""), body);
                String id = execution.path("id").asText();
                Instant deadline = env.clock().instant().plusSeconds(timeout);
                while (await && execution.path("durable").asBoolean(true) && execution.path("status").asText().equals("RUNNING")
                        && env.clock().instant().isBefore(deadline)) {
                    Thread.sleep(200);
                    execution = api.get(path(id));
                }
                if (output.json()) {
                    printJson(execution);
                } else if (await) {
                    print(execution, env.clock().instant(), out());
                } else {
                    out().println("execution " + id + " " + execution.path("status").asText().toLowerCase(java.util.Locale.ROOT)
                            + "; follow it with `nubo workflow describe " + id + "`");
                    out().flush();
                }
                return !await || execution.path("status").asText().equals("SUCCEEDED") ? 0 : ErrorReport.FAILED;
            }
        }
    }

    @Command(name = "executions", description = "List a workflow's executions, newest first.")
    static final class Executions extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The workflow.")
        String workflow;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many (default 100).")
        int limit;

        @Mixin
        Output output;

        Executions(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                Instant now = env.clock().instant();
                return printList(api, output, api.get("/v1/workflows/" + Api.segment(workflow) + "/executions?limit=" + atLeastOne(limit, "--limit")),
                        "executions", "no executions yet; start one with `nubo workflow start " + workflow + "`",
                        new Table("ID", "STATUS", "STATE", "STARTED"), JsonNode.class, (table, e) -> table.row(e.path("id").asText(),
                                e.path("status").asText(), e.path("state").asText("-"),
                                Human.when(Instant.parse(e.path("startedAt").asText()), now)));
            }
        }
    }

    @Command(name = "describe", description = "Show an execution: its status, current state, input, output or error and cause.")
    static final class DescribeExecution extends ClientCommand {

        @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution's id (WORKFLOW:NAME).")
        String id;

        @Mixin
        Output output;

        DescribeExecution(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return show(output, path(id), JsonNode.class, WorkflowCommands::print);
        }
    }

    @Command(name = "history", description = "Show every event of an execution, with its time.")
    static final class History extends ClientCommand {

        @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution's id (WORKFLOW:NAME).")
        String id;

        @Mixin
        Output output;

        History(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get(path(id) + "/history"), "events", "no events", new Table("#", "AT", "EVENT", "STATE", "DETAIL"),
                        JsonNode.class, (table, e) -> table.row(e.path("seq").asText(), e.path("at").asText(), e.path("type").asText(),
                                e.path("state").asText("-"), abbreviated(e.path("detail").toString())));
            }
        }
    }

    @Command(name = "stop", description = "Stop a running execution: it ends ABORTED, and is not resumed.")
    static final class Stop extends ClientCommand {

        @Parameters(index = "0", paramLabel = "EXECUTION", description = "The execution's id (WORKFLOW:NAME).")
        String id;

        @Option(names = "--error", paramLabel = "ERROR", description = "An error name to record.")
        String error;

        @Option(names = "--cause", paramLabel = "CAUSE", description = "Why, to record.")
        String cause;

        @Mixin
        Output output;

        Stop(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            ObjectNode body = Json.mapper().createObjectNode();
            if (error != null) {
                body.put("error", error);
            }
            if (cause != null) {
                body.put("cause", cause);
            }
            try (Api api = api()) {
                JsonNode execution = api.post(path(id) + "/stop", body);
                if (output.json()) {
                    printJson(execution);
                } else {
                    out().println("execution " + id + " " + execution.path("status").asText().toLowerCase(java.util.Locale.ROOT));
                    out().flush();
                }
                return 0;
            }
        }
    }

    static String path(String id) {
        return "/v1/executions/" + Api.segment(id);
    }

    static void print(JsonNode e, Instant now, PrintWriter out) {
        out.println("Execution: " + e.path("id").asText());
        out.println("Workflow:  " + e.path("workflow").asText() + " version " + e.path("version").asInt());
        out.println("Status:    " + e.path("status").asText() + (e.has("state") ? " in state " + e.path("state").asText() : ""));
        out.println("Started:   " + Human.when(Instant.parse(e.path("startedAt").asText()), now)
                + (e.has("stoppedAt") ? ", took " + Human.millis(Duration.between(Instant.parse(e.path("startedAt").asText()),
                        Instant.parse(e.path("stoppedAt").asText())).toMillis()) : ""));
        out.println("Input:     " + e.path("input"));
        if (e.has("output")) {
            out.println("Output:    " + e.path("output"));
        }
        if (e.has("error")) {
            out.println("Error:     " + e.path("error").asText());
            out.println("Cause:     " + e.path("cause").asText());
        }
        out.println(e.path("durable").asBoolean(true)
                ? "Events:    " + e.path("events").asLong() + " (`nubo workflow history " + e.path("id").asText() + "`)"
                : "Events:    none: an express execution runs in memory and keeps no history");
        out.flush();
    }

    private static String abbreviated(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
