package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo workflow task-success|task-failure|task-heartbeat TOKEN}: what a {@code .waitForTaskToken}
 * task waits for, sent back with its token. Shared here: the token, the request, the answer.
 */
abstract class TaskOutcome extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The task token ($$.Task.Token) the task was given.")
    String token;

    @Mixin
    Output output;

    TaskOutcome(Env env) {
        super(env);
    }

    abstract String outcome();

    abstract void fill(ObjectNode body);

    @Override
    public Integer call() {
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", token);
        fill(body);
        try (Api api = api()) {
            JsonNode execution = api.post("/v1/tasks/" + outcome(), body);
            if (output.json()) {
                printJson(execution);
            } else {
                out().println("execution " + execution.path("id").asText() + " " + execution.path("status").asText()
                        .toLowerCase(java.util.Locale.ROOT) + (outcome().equals("heartbeat") ? ", waiting in state "
                        + execution.path("state").asText() : "; the task's " + outcome() + " is recorded"));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "task-success", description = "Send a waiting task (.waitForTaskToken) its result.")
    static final class Success extends TaskOutcome {

        @Option(names = "--result", paramLabel = "JSON", defaultValue = "{}", description = "The task's result (default {}).")
        String result;

        Success(Env env) {
            super(env);
        }

        @Override
        String outcome() {
            return "success";
        }

        @Override
        void fill(ObjectNode body) {
            try {
                body.set("output", Json.mapper().readTree(result));
            } catch (IOException e) {
                throw new CommandError("--result is not JSON: " + e.getMessage(), "e.g. --result '{\"approved\": true}'");
            }
        }
    }

    @Command(name = "task-failure", description = "Fail a waiting task (.waitForTaskToken): its Retry and Catch apply.")
    static final class Failure extends TaskOutcome {

        @Option(names = "--error", paramLabel = "ERROR", defaultValue = "States.TaskFailed", description = "The error name.")
        String error;

        @Option(names = "--cause", paramLabel = "CAUSE", defaultValue = "", description = "Why.")
        String cause;

        Failure(Env env) {
            super(env);
        }

        @Override
        String outcome() {
            return "failure";
        }

        @Override
        void fill(ObjectNode body) {
            body.put("error", error).put("cause", cause);
        }
    }

    @Command(name = "task-heartbeat", description = "Check that a task still waits for its token.")
    static final class Heartbeat extends TaskOutcome {

        Heartbeat(Env env) {
            super(env);
        }

        @Override
        String outcome() {
            return "heartbeat";
        }

        @Override
        void fill(ObjectNode body) {
            // the token alone
        }
    }
}
