package dev.nubo.cli;

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
        try (Api api = api()) {
            Instant now = env.clock().instant();
            return printList(api, output, api.get("/v1/services" + namespaceQuery()), "services", "no services yet; deploy one with `nubo deploy DIR`",
                    new Table("NAME", "URL", "REVISION", "READY", "STATE", "AGE"), Service.class,
                    (table, s) -> table.row(s.name(), s.url(), s.serving().orElse("-"),
                            s.instances().ready() + "/" + s.instances().desired(), s.state(),
                            Human.age(Optional.ofNullable(s.createdAt()), now)));
        }
    }
}
