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

class TriggersTest {

    static final String ORDERS = """
            {"name": "orders", "broker": "default",
             "filters": [{"attribute": "type", "match": "exact", "value": "order.created"},
                         {"attribute": "source", "match": "prefix", "value": "/shop"}],
             "to": "service:orders/events",
             "delivery": {"attempts": 5, "backoff": "200ms", "maxBackoff": "1m", "timeout": "30s",
                          "deadLetter": "dead-letters"},
             "createdAt": "2026-11-21T10:00:00Z", "stats": {"pending": 0, "delivered": 12, "deadLettered": 1}}""";

    static final String AUDIT = """
            {"name": "audit", "broker": "shop", "filters": [], "to": "service:audit",
             "delivery": {"attempts": 1, "backoff": "1s", "maxBackoff": "1m", "timeout": "5s",
                          "deadLetter": "service:audit/failed"},
             "createdAt": "2026-11-21T12:00:00Z", "stats": {"pending": 3, "delivered": 0, "deadLettered": 0}}""";

    /** As a server with backlog bounds answers: maxPending and a status. */
    static final String LOOP = """
            {"name": "loop", "broker": "default",
             "filters": [{"attribute": "type", "match": "exact", "value": "ping"}], "to": "service:echo",
             "delivery": {"attempts": 5, "backoff": "1s", "maxBackoff": "1m", "timeout": "30s", "deadLetter": "dead-letters"},
             "maxPending": 100, "createdAt": "2026-11-21T11:00:00Z",
             "stats": {"pending": 100, "delivered": 4000, "deadLettered": 250},
             "status": {"state": "backlog-full", "message": "backlog full: 100 pending; new events for it are dead-lettered"}}""";

    static final String EXISTS = """
            {"error": {"code": "trigger.exists", "message": "a trigger named orders exists already",
              "hint": "pick another name, or delete it first with `nubo trigger delete orders`"}}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    TriggersTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createSendsTheFiltersTargetAndDeliveryAndSaysWhatGoesWhere() throws IOException {
        api.on("POST", "/v1/triggers", json(201, ORDERS));

        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--filter", "type=order.created",
                "--filter-prefix", "source=/shop", "--filter-suffix", "subject=.png", "--to", "orders/events",
                "--attempts", "5", "--backoff", "200ms", "--max-backoff", "60s", "--timeout", "30s",
                "--dead-letter", "dead-letters");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("""
                ✓ trigger orders created
                  events of broker default where type=order.created, source^=/shop go to service:orders/events
                """);
        Received sent = api.last("POST", "/v1/triggers").orElseThrow();
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        assertThat(Json.mapper().readTree(sent.body())).isEqualTo(Json.mapper().readTree("""
                {"name": "orders", "broker": "default",
                 "filters": [{"attribute": "type", "match": "exact", "value": "order.created"},
                             {"attribute": "source", "match": "prefix", "value": "/shop"},
                             {"attribute": "subject", "match": "suffix", "value": ".png"}],
                 "to": "orders/events",
                 "delivery": {"attempts": 5, "backoff": "200ms", "maxBackoff": "1m", "timeout": "30s",
                              "deadLetter": "dead-letters"}}"""));
    }

    @Test
    void createWithoutFiltersOrDeliveryLeavesThemToTheServer() throws IOException {
        api.on("POST", "/v1/triggers", json(201, AUDIT));

        Run run = CannedApi.run(api.env(home), "trigger", "create", "audit", "--broker", "shop", "--to", "audit");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ✓ trigger audit created
                  every event of broker shop goes to service:audit
                """);
        assertThat(Json.mapper().readTree(api.last("POST", "/v1/triggers").orElseThrow().body()))
                .isEqualTo(Json.mapper().readTree("""
                        {"name": "audit", "broker": "shop", "filters": [], "to": "audit"}"""));
    }

    @Test
    void createJsonPrintsTheTriggerAsTheServerAnswered() throws IOException {
        api.on("POST", "/v1/triggers", json(201, ORDERS));

        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--to", "orders/events", "-o", "json");

        assertThat(Json.mapper().readTree(run.out())).isEqualTo(Json.mapper().readTree(ORDERS));
    }

    @Test
    void createOfATriggerThatExistsIsTheServersErrorAndHint() {
        api.on("POST", "/v1/triggers", json(409, EXISTS));

        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--to", "orders/events");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: a trigger named orders exists already
                hint: pick another name, or delete it first with `nubo trigger delete orders`
                """);
    }

    @Test
    void createWithoutToIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--filter", "type=order.created");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required option: '--to=SERVICE[/PATH]|workflow:NAME'\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void aFilterWithoutEqualsIsAUsageMistakeNamingIt() {
        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--filter", "order.created", "--to", "orders");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid value for option '--filter' (ATTR=VALUE): 'order.created' is not a "
                + "filter; write it as ATTRIBUTE=VALUE, e.g. type=order.created\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void aFilterOnAnAttributeNameCloudEventsDoesNotAllowIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--filter-prefix", "Source=/shop",
                "--to", "orders");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid value for option '--filter-prefix' (ATTR=VALUE): 'Source' is not a "
                + "CloudEvents attribute name; filter on type, source, subject, id, or an extension: lowercase letters "
                + "and digits\n");
    }

    @Test
    void aBadDurationIsAUsageMistakeThatShowsTheForm() {
        Run run = CannedApi.run(api.env(home), "trigger", "create", "orders", "--to", "orders", "--backoff", "200");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith(
                "Invalid value for option '--backoff': '200' is not a duration; write it like 90s, 5m or 1h\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void zeroDurationsAttemptsAndAMaxBackoffBelowTheBackoffAreUsageMistakes() {
        Run zero = CannedApi.run(api.env(home), "trigger", "create", "orders", "--to", "orders", "--timeout", "0s");
        Run attempts = CannedApi.run(api.env(home), "trigger", "create", "orders", "--to", "orders", "--attempts", "0");
        Run backwards = CannedApi.run(api.env(home), "trigger", "create", "orders", "--to", "orders",
                "--backoff", "2s", "--max-backoff", "500ms");

        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).startsWith("--timeout must be longer than 0, e.g. 200ms or 5s\n");
        assertThat(attempts.exit()).isEqualTo(2);
        assertThat(attempts.err()).startsWith(
                "--attempts must be at least 1: it counts every send, the first included (1 means no retry)\n");
        assertThat(backwards.exit()).isEqualTo(2);
        assertThat(backwards.err()).startsWith("--max-backoff 500ms is shorter than --backoff 2s\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void listPrintsFiltersTargetAndCounts() {
        api.on("GET", "/v1/triggers", json("{\"triggers\": [" + ORDERS + "," + AUDIT + "]}"));

        Run run = CannedApi.run(api.env(home), "trigger", "list");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME     BROKER    FILTERS                             TO                      PENDING   DELIVERED   DEAD
                orders   default   type=order.created, source^=/shop   service:orders/events   0         12          1
                audit    shop      all events                          service:audit           3         0           0
                """);
    }

    @Test
    void createSendsMaxPendingAndRefusesLessThanOne() throws IOException {
        api.on("POST", "/v1/triggers", json(201, LOOP));

        Run run = CannedApi.run(api.env(home), "trigger", "create", "loop", "--filter", "type=ping", "--to", "echo",
                "--max-pending", "100");
        Run zero = CannedApi.run(api.env(home), "trigger", "create", "loop", "--to", "echo", "--max-pending", "0");

        assertThat(run.exit()).isZero();
        assertThat(Json.mapper().readTree(api.last("POST", "/v1/triggers").orElseThrow().body()).path("maxPending").asInt())
                .isEqualTo(100);
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).startsWith("--max-pending must be at least 1: it is how many of the trigger's events may wait"
                + " for delivery at once\n");
        assertThat(api.received).hasSize(1);
    }

    @Test
    void listMarksATriggerWhoseBacklogIsFull() {
        api.on("GET", "/v1/triggers", json("{\"triggers\": [" + LOOP + "," + AUDIT + "]}"));

        Run run = CannedApi.run(api.env(home), "trigger", "list");

        assertThat(run.out()).isEqualTo("""
                NAME    BROKER    FILTERS      TO              PENDING      DELIVERED   DEAD
                loop    default   type=ping    service:echo    100 (full)   4000        250
                audit   shop      all events   service:audit   3            0           0
                """);
    }

    @Test
    void describeShowsTheBacklogBoundAndTheStatus() {
        api.on("GET", "/v1/triggers/loop", json(LOOP));

        Run run = CannedApi.run(api.env(home), "trigger", "describe", "loop");

        assertThat(run.out()).endsWith("""
                Events:    100 pending of at most 100, 4000 delivered, 250 dead-lettered (`nubo events dead-letters --trigger loop` lists them)
                Status:    backlog full: 100 pending; new events for it are dead-lettered
                """);
    }

    @Test
    void listSaysHowToStartWhenThereAreNoTriggers() {
        api.on("GET", "/v1/triggers", json("{\"triggers\": []}"));

        Run run = CannedApi.run(api.env(home), "trigger", "list");

        assertThat(run.out()).isEqualTo("no triggers yet; create one with `nubo trigger create NAME --to SERVICE`\n");
    }

    @Test
    void describeShowsFiltersDeliveryAndCountsWithWhereToFindTheDeadLetters() {
        api.on("GET", "/v1/triggers/orders", json(ORDERS));

        Run run = CannedApi.run(api.env(home), "trigger", "describe", "orders");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                Name:      orders
                Broker:    default
                Filters:   type=order.created, source^=/shop
                To:        service:orders/events
                Delivery:  5 attempts of at most 30s, 200ms apart doubling up to 1m; then to dead-letters
                Created:   2026-11-21T10:00:00Z (2h ago)
                Events:    0 pending, 12 delivered, 1 dead-lettered (`nubo events dead-letters --trigger orders` lists them)
                """);
    }

    @Test
    void describeOfATriggerWithoutFiltersSaysItTakesEveryEvent() {
        api.on("GET", "/v1/triggers/audit", json(AUDIT));

        Run run = CannedApi.run(api.env(home), "trigger", "describe", "audit");

        assertThat(run.out()).contains("Filters:   none: every event of the broker\n")
                .contains("Delivery:  1 attempt of at most 5s, 1s apart doubling up to 1m; then to service:audit/failed\n")
                .contains("Events:    3 pending, 0 delivered, 0 dead-lettered\n");
    }

    @Test
    void describeOfAnUnknownTriggerIsTheServersError() {
        api.on("GET", "/v1/triggers/nope", json(404, """
                {"error": {"code": "trigger.not_found", "message": "no trigger named 'nope'",
                  "hint": "`nubo trigger list` shows the triggers"}}"""));

        Run run = CannedApi.run(api.env(home), "trigger", "describe", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no trigger named 'nope'\nhint: `nubo trigger list` shows the triggers\n");
    }

    @Test
    void deletePrintsWhatWasDeleted() {
        api.on("DELETE", "/v1/triggers/orders", json("{\"deleted\": \"orders\"}"));

        Run run = CannedApi.run(api.env(home), "trigger", "delete", "orders");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("deleted trigger orders\n");
        assertThat(api.received).extracting(Received::method).containsExactly("DELETE");
    }

    @Test
    void deleteOfAnUnknownTriggerIsTheServersError() {
        api.on("DELETE", "/v1/triggers/nope", json(404, """
                {"error": {"code": "trigger.not_found", "message": "no trigger named 'nope'",
                  "hint": "`nubo trigger list` shows the triggers"}}"""));

        Run run = CannedApi.run(api.env(home), "trigger", "delete", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no trigger named 'nope'\nhint: `nubo trigger list` shows the triggers\n");
    }
}
