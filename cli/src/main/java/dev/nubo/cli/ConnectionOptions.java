package dev.nubo.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags every client command takes to say which server to talk to; see {@link Connection}. */
final class ConnectionOptions {

    @Option(names = "--server", paramLabel = "URL",
            description = "The server's control API, e.g. http://127.0.0.1:8081. "
                    + "Default: $NUBO_SERVER, else the api of $NUBO_HOME/server.json.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The API token. Default: $NUBO_TOKEN, else $NUBO_HOME/admin.token.")
    String token;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The namespace of the services this command names, lists or deploys. Default: $NUBO_NAMESPACE, else default.")
    String namespace;

    Optional<String> server() {
        return Optional.ofNullable(server).filter(s -> !s.isBlank());
    }

    Optional<String> token() {
        return Optional.ofNullable(token).filter(s -> !s.isBlank());
    }
}
