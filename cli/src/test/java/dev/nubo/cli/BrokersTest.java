package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Received;
import dev.nubo.cli.CannedApi.Run;
import dev.nubo.model.Json;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokersTest {

    static final String DEFAULT = """
            {"name": "default", "createdAt": "2026-11-21T10:00:00Z",
             "ingestUrl": "http://127.0.0.1:8081/v1/brokers/default/events", "triggers": 2}""";

    static final String ORDERS = """
            {"name": "orders", "createdAt": "2026-11-21T12:09:30Z",
             "ingestUrl": "http://127.0.0.1:8081/v1/brokers/orders/events", "triggers": 0}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    BrokersTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsEachBrokerWithItsTriggersAndIngestUrl() {
        api.on("GET", "/v1/brokers", json("{\"brokers\": [" + DEFAULT + "," + ORDERS + "]}"));

        Run run = CannedApi.run(api.env(home), "broker", "list");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME      TRIGGERS   URL                                               AGE
                default   2          http://127.0.0.1:8081/v1/brokers/default/events   2h
                orders    0          http://127.0.0.1:8081/v1/brokers/orders/events    30s
                """);
    }

    @Test
    void listJsonIsTheApisAnswer() throws IOException {
        String brokers = "{\"brokers\": [" + DEFAULT + "]}";
        api.on("GET", "/v1/brokers", json(brokers));

        Run run = CannedApi.run(api.env(home), "broker", "ls", "-o", "json");

        assertThat(Json.mapper().readTree(run.out())).isEqualTo(Json.mapper().readTree(brokers));
    }

    @Test
    void listSaysHowToStartWhenThereAreNoBrokers() {
        api.on("GET", "/v1/brokers", json("{\"brokers\": []}"));

        Run run = CannedApi.run(api.env(home), "broker", "list");

        assertThat(run.out()).isEqualTo("no brokers yet; create one with `nubo broker create NAME`\n");
    }

    @Test
    void createPutsTheBrokerAndSaysWhereEventsGo() {
        api.on("PUT", "/v1/brokers/orders", json(201, ORDERS));

        Run run = CannedApi.run(api.env(home), "broker", "create", "orders");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(
                "✓ broker orders created; send events to http://127.0.0.1:8081/v1/brokers/orders/events\n");
        Received sent = api.last("PUT", "/v1/brokers/orders").orElseThrow();
        assertThat(sent.header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(sent.body()).isEmpty();
    }

    @Test
    void createOfABrokerThatExistsLeavesItAndSaysSo() {
        api.on("PUT", "/v1/brokers/default", json(200, DEFAULT));

        Run run = CannedApi.run(api.env(home), "broker", "create", "default");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(
                "broker default exists already; send events to http://127.0.0.1:8081/v1/brokers/default/events\n");
    }

    @Test
    void createRefusedByTheServerIsAnErrorWithItsHint() {
        api.on("PUT", "/v1/brokers/Bad%20Name", json(400, """
                {"error": {"code": "request.invalid", "message": "'Bad Name' is not a broker name",
                  "hint": "use lowercase letters, digits and dashes"}}"""));

        Run run = CannedApi.run(api.env(home), "broker", "create", "Bad Name");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: 'Bad Name' is not a broker name
                hint: use lowercase letters, digits and dashes
                """);
    }

    @Test
    void deletePrintsWhatWasDeleted() {
        api.on("DELETE", "/v1/brokers/orders", json("{\"deleted\": \"orders\"}"));

        Run run = CannedApi.run(api.env(home), "broker", "delete", "orders");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("deleted broker orders\n");
    }

    @Test
    void deleteOfABrokerInUseIsRefusedWithTheServersHint() {
        api.on("DELETE", "/v1/brokers/default", json(409, """
                {"error": {"code": "broker.in_use", "message": "broker default is used by triggers orders, audit",
                  "hint": "delete them first with `nubo trigger delete NAME`"}}"""));

        Run run = CannedApi.run(api.env(home), "broker", "delete", "default");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: broker default is used by triggers orders, audit
                hint: delete them first with `nubo trigger delete NAME`
                """);
    }

    @Test
    void tokenPrintsTheProducerTokenAloneOnStdoutAndWhereToSendIt() {
        api.on("POST", "/v1/brokers/orders/producer-token", json(201, """
                {"broker": "orders", "token": "nubo_pt_abc", "ingest": "http://127.0.0.1:8081/v1/brokers/orders/events"}"""));

        Run run = CannedApi.run(api.env(home), "broker", "token", "orders");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("nubo_pt_abc\n");
        assertThat(run.err()).isEqualTo("a producer token for broker orders (shown once; the previous one no longer works):"
                + " send it as `Authorization: Bearer <token>` to http://127.0.0.1:8081/v1/brokers/orders/events\n");
        assertThat(api.last("POST", "/v1/brokers/orders/producer-token").orElseThrow().header("Authorization"))
                .isEqualTo("Bearer s3cret");
    }

    @Test
    void theGroupAloneIsAUsageMistakeThatNamesItsSubcommands() {
        Run run = CannedApi.run(api.env(home), "broker");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required subcommand: one of list, create, delete, token\nUsage: nubo broker");
        assertThat(api.received).isEmpty();
    }

    @Test
    void listWithAWrongTokenIsTheServersError() {
        api.on("GET", "/v1/brokers", json(401, """
                {"error": {"code": "unauthorized", "message": "wrong bearer token",
                  "hint": "the admin token is in $NUBO_HOME/admin.token"}}"""));

        Run run = CannedApi.run(api.env(home), "broker", "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: wrong bearer token\nhint: the admin token is in $NUBO_HOME/admin.token\n");
    }

    @Test
    void createOrDeleteWithoutANameIsAUsageMistake() {
        Run create = CannedApi.run(api.env(home), "broker", "create");
        Run delete = CannedApi.run(api.env(home), "broker", "delete");

        assertThat(create.exit()).isEqualTo(2);
        assertThat(create.err()).startsWith("Missing required parameter: 'NAME'\nUsage: nubo broker create");
        assertThat(delete.exit()).isEqualTo(2);
        assertThat(delete.err()).startsWith("Missing required parameter: 'NAME'\nUsage: nubo broker delete");
        assertThat(api.received).isEmpty();
    }
}
