package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Received;
import dev.nubo.cli.CannedApi.Reply;
import dev.nubo.cli.CannedApi.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvokeTest {

    static final String INVOKE = "/v1/services/hello-java/invoke";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    InvokeTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void sendsTheBodyPathAndHeadersAndPrintsTheAnswer() {
        api.on("POST", INVOKE, new Reply(200, "text/plain", "Hello, Ada\n"));

        Run run = CannedApi.run(api.env(home), "invoke", "hello-java", "--data", "{\"name\":\"Ada\"}",
                "--path", "/hello", "-H", "X-Trace: 7");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("Hello, Ada\n");
        Received sent = api.last("POST", INVOKE).orElseThrow();
        assertThat(new String(sent.body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Ada\"}");
        assertThat(sent.query()).isEqualTo("path=%2Fhello");
        assertThat(sent.header("X-Trace")).isEqualTo("7");
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void endsABodyWithoutANewlineWithOneAndLeavesOthersAsTheyAre() {
        api.on("POST", INVOKE, json("{\"message\":\"Hello, Grace!\"}"));
        assertThat(CannedApi.run(api.env(home), "invoke", "hello-java").out()).isEqualTo("{\"message\":\"Hello, Grace!\"}\n");

        api.on("POST", INVOKE, new Reply(200, "text/plain", "two\nlines\n"));
        assertThat(CannedApi.run(api.env(home), "invoke", "hello-java").out()).isEqualTo("two\nlines\n");

        api.on("POST", INVOKE, new Reply(204, "text/plain", ""));
        assertThat(CannedApi.run(api.env(home), "invoke", "hello-java").out()).isEmpty();
    }

    @Test
    void readsTheBodyFromAFileOrStandardInput() throws IOException {
        api.on("POST", INVOKE, json("{}"));
        Path file = Files.writeString(home.resolve("body.json"), "{\"from\":\"file\"}");
        Env withStdin = new Env(api.env(home).vars(), home, false, InstantSource.fixed(CannedApi.NOW),
                new ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)));

        CannedApi.run(api.env(home), "invoke", "hello-java", "--data", "@" + file);
        assertThat(api.last("POST", INVOKE).orElseThrow().body()).asString().isEqualTo("{\"from\":\"file\"}");
        CannedApi.run(withStdin, "invoke", "hello-java", "--data", "-", "-H", "Content-Type: text/plain");
        Received sent = api.last("POST", INVOKE).orElseThrow();
        assertThat(sent.body()).asString().isEqualTo("from stdin");
        assertThat(sent.header("Content-Type")).isEqualTo("text/plain");
    }

    @Test
    void includePrintsStatusAndHeadersBeforeTheBody() {
        api.on("POST", INVOKE, new Reply(200, "text/plain", "hi"));

        Run run = CannedApi.run(api.env(home), "invoke", "hello-java", "-i");

        assertThat(run.out()).startsWith("HTTP/1.1 200\n").contains("content-type: text/plain\n").endsWith("\n\nhi\n");
    }

    @Test
    void functionErrorPrintsItsBodyAndExitsOne() {
        api.on("POST", INVOKE, new Reply(500, "text/plain", "boom"));

        Run run = CannedApi.run(api.env(home), "invoke", "hello-java");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("boom\n");
        assertThat(run.err()).isEqualTo("error: HTTP 500 from hello-java\n");
    }

    @Test
    void unknownServiceIsTheApisErrorNotAFunctionAnswer() {
        api.on("POST", "/v1/services/nope/invoke", json(404, Samples.NOT_FOUND));

        Run run = CannedApi.run(api.env(home), "invoke", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no service named 'nope'\nhint: `nubo list` shows the services\n");
    }

    @Test
    void aFunctionAnswerShapedLikeAnApiErrorIsStillTheFunctionsAnswer() {
        api.on("POST", INVOKE, new Reply(404, "text/plain", "{\"error\":{\"code\":\"mine\",\"message\":\"no order 7\"}}"));

        Run run = CannedApi.run(api.env(home), "invoke", "hello-java");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("no order 7");
        assertThat(run.err()).isEqualTo("error: HTTP 404 from hello-java\n");
    }

    @Test
    void malformedHeaderIsAUsageError() {
        Run run = CannedApi.run(api.env(home), "invoke", "hello-java", "-H", "no-colon");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("'no-colon' is not a header; write it as 'Name: value'");
    }

    @Test
    void asyncAsksTheServerToQueueAndPrintsTheInvocation() {
        api.on("POST", INVOKE, json(202, "{\"invocationId\": \"inv-01JD7X\", \"status\": \"queued\"}"));

        Run run = CannedApi.run(api.env(home), "invoke", "hello-java", "--async", "-d", "{\"name\":\"Ada\"}");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("invocation inv-01JD7X queued; see: nubo invocations hello-java\n");
        Received sent = api.last("POST", INVOKE).orElseThrow();
        assertThat(sent.header("Nubo-Invocation-Type")).isEqualTo("Event");
        assertThat(sent.body()).asString().isEqualTo("{\"name\":\"Ada\"}");
    }

    @Test
    void withoutAsyncTheRequestIsNotMarkedAsAnEvent() {
        api.on("POST", INVOKE, json("{}"));

        CannedApi.run(api.env(home), "invoke", "hello-java");

        assertThat(api.last("POST", INVOKE).orElseThrow().header("Nubo-Invocation-Type")).isEmpty();
    }

    @Test
    void asyncToAServerThatAnsweredAtOncePrintsTheAnswerAndSaysSo() {
        api.on("POST", INVOKE, new Reply(200, "text/plain", "Hello"));

        Run run = CannedApi.run(api.env(home), "invoke", "hello-java", "--async");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("Hello\n");
        assertThat(run.err()).isEqualTo("note: the server called hello-java at once rather than queueing the request; "
                + "it does not take asynchronous invocations\n");
    }

    @Test
    void asyncToAnUnknownServiceIsTheApisError() {
        api.on("POST", "/v1/services/nope/invoke", json(404, Samples.NOT_FOUND));

        Run run = CannedApi.run(api.env(home), "invoke", "nope", "--async");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no service named 'nope'\nhint: `nubo list` shows the services\n");
    }
}
