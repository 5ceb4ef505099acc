package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Run;
import dev.nubo.model.Json;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvocationsTest {

    static final String LIST = "/v1/services/hello-java/invocations";

    static final String INVOCATIONS = """
            {"invocations": [
              {"id": "inv-03", "service": "hello-java", "path": "/", "status": "queued", "attempts": 0, "maxAttempts": 3,
               "createdAt": "2026-11-21T12:09:58Z", "startedAt": null, "finishedAt": null, "durationMs": null,
               "statusCode": null, "error": null},
              {"id": "inv-02", "service": "hello-java", "path": "/hello", "status": "failed", "attempts": 3, "maxAttempts": 3,
               "createdAt": "2026-11-21T12:05:00Z", "startedAt": "2026-11-21T12:05:00Z", "finishedAt": "2026-11-21T12:05:07Z",
               "durationMs": 1500, "statusCode": 500, "error": "HTTP 500 from hello-java: boom"},
              {"id": "inv-01", "service": "hello-java", "path": "/", "status": "succeeded", "attempts": 1, "maxAttempts": 3,
               "createdAt": "2026-11-21T12:00:00Z", "startedAt": "2026-11-21T12:00:00Z", "finishedAt": "2026-11-21T12:00:00.012Z",
               "durationMs": 12, "statusCode": 200, "error": null}
            ]}""";

    static final String SUCCEEDED = """
            {"id": "inv-01", "service": "hello-java", "path": "/hello", "status": "succeeded", "attempts": 1, "maxAttempts": 3,
             "createdAt": "2026-11-21T11:59:58Z", "startedAt": "2026-11-21T11:59:59.988Z", "finishedAt": "2026-11-21T12:00:00Z",
             "durationMs": 12, "statusCode": 200, "error": null,
             "response": {"statusCode": 200, "contentType": "application/json", "body": "{\\"greeting\\": \\"Hello, Ada\\"}"}}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    InvocationsTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsStatusAttemptsAndDurationNewestFirst() {
        api.on("GET", LIST, json(INVOCATIONS));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ID       STATUS      ATTEMPTS   DURATION   CREATED   ERROR
                inv-03   queued      0/3        -          2s ago    -
                inv-02   failed      3/3        1.5 s      5m ago    HTTP 500 from hello-java: boom
                inv-01   succeeded   1/3        12ms       10m ago   -
                """);
        assertThat(api.last("GET", LIST).orElseThrow().query()).isEmpty();
    }

    @Test
    void listAsksForAtMostLimit() {
        api.on("GET", LIST, json("{\"invocations\": []}"));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "--limit", "20");

        assertThat(run.out()).isEqualTo(
                "no invocations of hello-java yet; queue one with `nubo invoke hello-java --async`\n");
        assertThat(api.last("GET", LIST).orElseThrow().query()).isEqualTo("limit=20");
    }

    @Test
    void listJsonIsTheApisAnswer() throws IOException {
        api.on("GET", LIST, json(INVOCATIONS));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "-o", "json");

        assertThat(Json.mapper().readTree(run.out())).isEqualTo(Json.mapper().readTree(INVOCATIONS));
    }

    @Test
    void oneInvocationShowsItsTimesAndTheServicesResponse() {
        api.on("GET", "/v1/invocations/inv-01", json(SUCCEEDED));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "inv-01");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ID:        inv-01
                Service:   hello-java
                Path:      /hello
                Status:    succeeded
                Attempts:  1 of 3
                Created:   2026-11-21T11:59:58Z (10m ago)
                Started:   2026-11-21T11:59:59Z (10m ago)
                Finished:  2026-11-21T12:00:00Z (10m ago), took 12ms
                Response:  HTTP 200, application/json

                {"greeting": "Hello, Ada"}
                """);
    }

    @Test
    void oneQueuedInvocationHasNoResponseYet() {
        api.on("GET", "/v1/invocations/inv-03", json("""
                {"id": "inv-03", "service": "hello-java", "path": "/", "status": "retrying", "attempts": 1, "maxAttempts": 3,
                 "createdAt": "2026-11-21T12:09:58Z", "startedAt": "2026-11-21T12:09:58Z", "finishedAt": null,
                 "durationMs": null, "statusCode": 503, "error": "HTTP 503 from hello-java", "response": null}"""));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "inv-03");

        assertThat(run.out()).contains("Status:    retrying\n").contains("Finished:  -\n")
                .contains("Error:     HTTP 503 from hello-java\n").endsWith("Response:  none yet\n");
    }

    @Test
    void aBinaryResponseIsNotPrinted() {
        api.on("GET", "/v1/invocations/inv-04", json("""
                {"id": "inv-04", "service": "hello-java", "status": "succeeded", "attempts": 1, "maxAttempts": 3,
                 "createdAt": "2026-11-21T12:00:00Z", "finishedAt": "2026-11-21T12:00:01Z",
                 "response": {"statusCode": 200, "contentType": "image/png", "bodyBase64": "iVBORw0KGgo="}}"""));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "inv-04");

        assertThat(run.out()).endsWith(
                "Response:  HTTP 200, image/png, a body that is not text (-o json shows it in base64)\n");
    }

    @Test
    void anInvocationOfAnotherServiceIsNamedAsSuch() {
        api.on("GET", "/v1/invocations/inv-01", json(SUCCEEDED));

        Run run = CannedApi.run(api.env(home), "invocations", "py", "inv-01");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: invocation inv-01 is of service hello-java, not py
                hint: see it with `nubo invocations hello-java inv-01`
                """);
    }

    @Test
    void anUnknownInvocationIsTheServersError() {
        api.on("GET", "/v1/invocations/inv-99", json(404, """
                {"error": {"code": "invocation.not_found", "message": "no invocation inv-99",
                  "hint": "`nubo invocations SERVICE` lists them"}}"""));

        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "inv-99");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no invocation inv-99\nhint: `nubo invocations SERVICE` lists them\n");
    }

    @Test
    void limitWithOneInvocationIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "invocations", "hello-java", "inv-01", "--limit", "5");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("--limit applies to the listing, not to one invocation\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void invocationsOfAnUnknownServiceIsTheServersError() {
        api.on("GET", "/v1/services/nope/invocations", json(404, Samples.NOT_FOUND));

        Run run = CannedApi.run(api.env(home), "invocations", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no service named 'nope'\nhint: `nubo list` shows the services\n");
    }
}
