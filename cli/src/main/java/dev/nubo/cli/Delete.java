package dev.nubo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nubo delete NAME}. */
@Command(name = "delete",
        description = "Delete a service: stop routing to it, drain and stop its instances, delete its revisions.")
final class Delete extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The service to delete.")
    String name;

    Delete(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        return delete("/v1/services/" + Api.segment(service(name)), "", name);
    }
}
