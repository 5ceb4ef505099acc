package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.cli.RevisionWatch.Goal;
import dev.nubo.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code nubo rollback NAME [REVISION]}: pin an earlier revision and wait until it serves. */
@Command(name = "rollback",
        description = "Serve an earlier revision again (by default the newest ready one before the serving one). "
                + "The service stays pinned to it until the next deploy or traffic change.")
final class Rollback extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REVISION",
            description = "The revision to serve, e.g. hello-java-00001.")
    String revision;

    @Mixin
    WaitOptions waiting;

    Rollback(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        ObjectNode body = Json.mapper().createObjectNode();
        if (revision != null) {
            body.put("revision", revision);
        }
        try (Api api = api()) {
            JsonNode answer = api.post("/v1/services/" + Api.segment(service(name)) + "/rollback", body);
            String target = answer.path("revision").asText();
            Screen screen = new Screen(out(), env);
            screen.line(name + " now serves " + target + " (pinned; the next deploy unpins)");
            if (waiting.noWait) {
                return 0;
            }
            var outcome = new RevisionWatch(api, screen, env, false).await(name, target, Goal.SERVING, waiting.timeout);
            if (outcome.reached()) {
                screen.done(target + " is serving");
            }
            return outcome.reached() ? 0 : ErrorReport.FAILED;
        }
    }
}
