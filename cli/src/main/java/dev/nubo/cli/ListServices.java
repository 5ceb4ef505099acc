package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nubo list}: one line per service. */
@Command(name = "list", aliases = "ls",
        description = "List the services with their URL, serving revision, ready instances and state.")
final class ListServices extends ClientCommand {

    @Mixin
    Output output;

    ListServices(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        JsonNode json;
        try (Api api = api()) {
            json = api.get("/v1/services");
            if (output.json()) {
                printJson(json);
                return 0;
            }
            JsonNode services = json.path("services");
            if (services.isEmpty()) {
                out().println("no services yet; deploy one with `nubo deploy DIR`");
                return 0;
            }
            Instant now = env.clock().instant();
            Table table = new Table("NAME", "URL", "REVISION", "READY", "STATE", "AGE");
            for (JsonNode node : services) {
                Service s = api.read(node, Service.class);
                table.row(s.name(), s.url(), s.serving().orElse("-"),
                        s.instances().ready() + "/" + s.instances().desired(), s.state(),
                        Human.age(Optional.ofNullable(s.createdAt()), now));
            }
            table.print(out(), "");
            out().flush();
            return 0;
        }
    }
}
