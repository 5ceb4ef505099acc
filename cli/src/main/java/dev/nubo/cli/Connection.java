package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the control API is and the token to show it. Each is resolved on its own, first match wins:
 *
 * <table>
 *   <tr><th>what</th><th>flag</th><th>environment</th><th>file</th></tr>
 *   <tr><td>API address</td><td>--server</td><td>NUBO_SERVER</td><td>{@code api} in $NUBO_HOME/server.json</td></tr>
 *   <tr><td>token</td><td>--token</td><td>NUBO_TOKEN</td><td>$NUBO_HOME/admin.token (trimmed)</td></tr>
 * </table>
 *
 * $NUBO_HOME defaults to ~/.nubo. Both files are written by {@code nubo server}, so on the machine
 * that runs the server nothing needs configuring. A missing token is not an error here: the server
 * answers 401 with a hint, which says it better.
 */
record Connection(URI api, Optional<String> token) {

    static Connection resolve(ConnectionOptions flags, Env env) {
        Path home = env.nuboHome();
        String server = flags.server()
                .or(() -> nonBlank(env.vars().get("NUBO_SERVER")))
                .or(() -> apiFromServerJson(home.resolve("server.json")))
                .orElseThrow(() -> new CommandError("no Nubo server configured",
                        "start one with `bin/nubo server` (it writes " + home.resolve("server.json")
                                + "), or set NUBO_SERVER and NUBO_TOKEN"));
        Optional<String> token = flags.token()
                .or(() -> nonBlank(env.vars().get("NUBO_TOKEN")))
                .or(() -> read(home.resolve("admin.token")).flatMap(Connection::nonBlank));
        return new Connection(address(server), token);
    }

    /** Accepts {@code host:port} too, since that is what people type. */
    static URI address(String text) {
        String withScheme = text.contains("://") ? text.strip() : "http://" + text.strip();
        try {
            URI uri = new URI(withScheme.replaceAll("/+$", ""));
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new URISyntaxException(text, "not an http(s) address with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CommandError("the server address '" + text + "' is not a URL",
                    "give it as http://HOST:PORT, e.g. --server http://127.0.0.1:8081");
        }
    }

    private static Optional<String> apiFromServerJson(Path file) {
        return read(file).map(text -> {
            try {
                JsonNode api = Json.mapper().readTree(text).path("api");
                if (api.isTextual() && !api.asText().isBlank()) {
                    return api.asText();
                }
            } catch (IOException e) {
                // reported below, as for a file without "api"
            }
            throw new CommandError(file + " has no \"api\" address",
                    "restart `bin/nubo server` to rewrite it, or set NUBO_SERVER / --server");
        });
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CommandError("cannot read " + file + " (" + e.getMessage() + ")",
                    "check its permissions, or set NUBO_SERVER and NUBO_TOKEN");
        }
    }

    private static Optional<String> nonBlank(String s) {
        return Optional.ofNullable(s).map(String::strip).filter(t -> !t.isEmpty());
    }
}
