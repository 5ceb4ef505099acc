package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.cli.CannedApi.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionTest {

    @TempDir
    Path home;

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheServerFiles() throws IOException {
        writeServerFiles(home, "http://127.0.0.1:1111", "file-token");
        Map<String, String> vars = Map.of("NUBO_HOME", home.toString(),
                "NUBO_SERVER", "http://127.0.0.1:2222", "NUBO_TOKEN", "env-token");

        assertThat(resolve(flags("http://127.0.0.1:3333", "flag-token"), vars))
                .isEqualTo(new Connection(URI.create("http://127.0.0.1:3333"), Optional.of("flag-token")));
        assertThat(resolve(flags(null, null), vars))
                .isEqualTo(new Connection(URI.create("http://127.0.0.1:2222"), Optional.of("env-token")));
        assertThat(resolve(flags(null, null), Map.of("NUBO_HOME", home.toString())))
                .isEqualTo(new Connection(URI.create("http://127.0.0.1:1111"), Optional.of("file-token")));
    }

    @Test
    void serverFilesDefaultToDotNuboInTheUsersHome() throws IOException {
        writeServerFiles(home.resolve(".nubo"), "http://127.0.0.1:8081", "  tok\n");

        assertThat(resolve(flags(null, null), Map.of()))
                .isEqualTo(new Connection(URI.create("http://127.0.0.1:8081"), Optional.of("tok")));
    }

    @Test
    void aServerWithoutAnyTokenIsLeftToTheServerToRefuse() {
        assertThat(resolve(flags("127.0.0.1:8081/", null), Map.of()))
                .isEqualTo(new Connection(URI.create("http://127.0.0.1:8081"), Optional.empty()));
    }

    @Test
    void serverJsonWithoutAnApiAddressSaysHowToRepairIt() throws IOException {
        Files.createDirectories(home.resolve(".nubo"));
        Files.writeString(home.resolve(".nubo/server.json"), "{\"pid\": 1}");

        assertThatThrownBy(() -> resolve(flags(null, null), Map.of()))
                .hasMessage(home.resolve(".nubo/server.json") + " has no \"api\" address");
    }

    @Test
    void serverFlagReachesTheServerEvenWhenTheEnvironmentPointsElsewhere() throws IOException {
        try (CannedApi api = new CannedApi()) {
            api.on("GET", "/v1/services", json("{\"services\": []}"));
            Env env = new Env(Map.of("NUBO_SERVER", ErrorsTest.deadAddress(), "NUBO_TOKEN", "env-token"), home, false,
                    InstantSource.fixed(CannedApi.NOW), new ByteArrayInputStream(new byte[0]));

            Run run = CannedApi.run(env, "list", "--server", api.url(), "--token", "flag-token");

            assertThat(run.exit()).isZero();
            assertThat(api.last("GET", "/v1/services").orElseThrow().header("Authorization"))
                    .isEqualTo("Bearer flag-token");
        }
    }

    private Connection resolve(ConnectionOptions flags, Map<String, String> vars) {
        return Connection.resolve(flags, new Env(vars, home, false, InstantSource.fixed(CannedApi.NOW),
                new ByteArrayInputStream(new byte[0])));
    }

    private static ConnectionOptions flags(String server, String token) {
        ConnectionOptions options = new ConnectionOptions();
        options.server = server;
        options.token = token;
        return options;
    }

    private static void writeServerFiles(Path dir, String api, String token) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("server.json"), """
                {"api": "%s", "gateway": "http://127.0.0.1:8080", "domain": "localhost", "pid": 123}""".formatted(api));
        Files.writeString(dir.resolve("admin.token"), token);
    }
}
