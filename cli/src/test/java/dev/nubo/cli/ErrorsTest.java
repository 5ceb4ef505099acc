package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Reply;
import dev.nubo.cli.CannedApi.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    ErrorsTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void apiErrorBecomesAnErrorAndAHintLineAndExitOne() {
        api.on("GET", "/v1/services/nope", json(404, Samples.NOT_FOUND));

        Run run = CannedApi.run(api.env(home), "describe", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: no service named 'nope'
                hint: `nubo list` shows the services
                """);
    }

    @Test
    void unauthorizedShowsTheServersMessageAndHint() {
        api.on("GET", "/v1/services", json(401, """
                {"error": {"code": "unauthorized", "message": "missing bearer token",
                  "hint": "send `Authorization: Bearer <token>`; the admin token is in $NUBO_HOME/admin.token"}}"""));
        Env noToken = env(Map.of("NUBO_SERVER", api.url()));

        Run run = CannedApi.run(noToken, "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: missing bearer token
                hint: send `Authorization: Bearer <token>`; the admin token is in $NUBO_HOME/admin.token
                """);
        assertThat(api.last("GET", "/v1/services").orElseThrow().header("Authorization")).isEmpty();
    }

    @Test
    void unreachableServerSaysWhereItTriedAndHowToStartOne() throws IOException {
        String dead = deadAddress();

        Run run = CannedApi.run(env(Map.of("NUBO_SERVER", dead)), "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: cannot reach the Nubo server at " + dead + " (connection refused)\n"
                + "hint: start it with `bin/nubo server`, or set NUBO_SERVER / --server\n");
    }

    @Test
    void noConfiguredServerSaysHowToGetOne() {
        Run run = CannedApi.run(env(Map.of()), "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no Nubo server configured\n"
                + "hint: start one with `bin/nubo server` (it writes " + home.resolve(".nubo/server.json")
                + "), or set NUBO_SERVER and NUBO_TOKEN\n");
    }

    @Test
    void somethingElseThanTheApiAnsweringIsNamedAsSuch() {
        api.on("GET", "/v1/services", new Reply(502, "text/html", "<html>Bad Gateway</html>"));

        Run run = CannedApi.run(api.env(home), "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: HTTP 502 from " + api.url() + ": <html>Bad Gateway</html>\n"
                + "hint: is " + api.url() + " a Nubo server's API address?");
    }

    @Test
    void usageMistakesExitTwoLikeAnyPicocliCommand() {
        Run run = CannedApi.run(api.env(home), "describe");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required parameter: 'NAME'");
        assertThat(api.received).isEmpty();
    }

    private Env env(Map<String, String> vars) {
        return new Env(vars, home, false, InstantSource.fixed(CannedApi.NOW), new ByteArrayInputStream(new byte[0]));
    }

    /** A loopback port that nothing listens on: bound once to pick it, then closed. */
    static String deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
