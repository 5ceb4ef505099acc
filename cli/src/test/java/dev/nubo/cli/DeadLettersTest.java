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

class DeadLettersTest {

    static final String LETTERS = """
            {"deadLetters": [
              {"id": 18, "origin": "invocation:inv-01JD7X", "to": "service:hello-java", "attempts": 3,
               "reason": "timed out after 30s\\nwhile waiting for hello-java", "deadAt": "2026-11-21T12:09:00Z",
               "event": {"specversion": "1.0", "id": "inv-01JD7X", "source": "/nubo/invocations", "type": "dev.nubo.invocation"}},
              {"id": 17, "origin": "trigger:orders", "to": "service:orders/events", "attempts": 5,
               "reason": "HTTP 500 from orders: boom", "deadAt": "2026-11-21T12:00:00Z",
               "event": {"specversion": "1.0", "id": "a1", "source": "/shop", "type": "order.created", "data": {"order": 7}}}
            ]}""";

    static final String NOT_FOUND = """
            {"error": {"code": "dead_letter.not_found", "message": "no dead letter 99",
              "hint": "`nubo events dead-letters` lists them"}}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    DeadLettersTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsWhereEachCameFromWhereItWasGoingAndWhyItFailed() {
        api.on("GET", "/v1/dead-letters", json(LETTERS));

        Run run = CannedApi.run(api.env(home), "events", "dead-letters");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ID   ORIGIN                  TO                      ATTEMPTS   DEAD-AT   TYPE                  EVENT-ID     REASON
                18   invocation:inv-01JD7X   service:hello-java      3          60s ago   dev.nubo.invocation   inv-01JD7X   timed out after 30s
                17   trigger:orders          service:orders/events   5          10m ago   order.created         a1           HTTP 500 from orders: boom
                """);
        assertThat(api.last("GET", "/v1/dead-letters").orElseThrow().query()).isEmpty();
    }

    @Test
    void listAsksForOneTriggersAndAtMostLimit() {
        api.on("GET", "/v1/dead-letters", json("{\"deadLetters\": []}"));

        Run run = CannedApi.run(api.env(home), "events", "dead-letters", "--trigger", "orders", "--limit", "5");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("no dead letters of trigger orders\n");
        assertThat(api.last("GET", "/v1/dead-letters").orElseThrow().query()).isEqualTo("trigger=orders&limit=5");
    }

    @Test
    void listJsonIsTheApisAnswer() throws IOException {
        api.on("GET", "/v1/dead-letters", json(LETTERS));

        Run run = CannedApi.run(api.env(home), "events", "dead-letters", "-o", "json");

        assertThat(Json.mapper().readTree(run.out())).isEqualTo(Json.mapper().readTree(LETTERS));
    }

    @Test
    void aLimitBelowOneIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "events", "dead-letters", "--limit", "0");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("--limit must be at least 1, not 0\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void replayOfIdsPostsEachAndPrintsWhatWasReplayed() {
        api.on("POST", "/v1/dead-letters/17/replay", json(202, "{\"replayed\": [17]}"));
        api.on("POST", "/v1/dead-letters/18/replay", json(202, "{\"replayed\": [18]}"));

        Run run = CannedApi.run(api.env(home), "events", "replay", "17", "18");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("replayed 2 dead letters: 17, 18\n");
        assertThat(api.received).extracting(Received::path)
                .containsExactly("/v1/dead-letters/17/replay", "/v1/dead-letters/18/replay");
        assertThat(api.received).allSatisfy(sent -> {
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.body()).isEmpty();
            assertThat(sent.header("Authorization")).isEqualTo("Bearer s3cret");
        });
    }

    @Test
    void replayOfATriggersDeadLettersAsksTheServerForThemAll() {
        api.on("POST", "/v1/dead-letters/replay", json(202, "{\"replayed\": [17, 19]}"));

        Run run = CannedApi.run(api.env(home), "events", "replay", "--trigger", "orders");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("replayed 2 dead letters: 17, 19\n");
        assertThat(api.last("POST", "/v1/dead-letters/replay").orElseThrow().query()).isEqualTo("trigger=orders");
    }

    @Test
    void replayAllSendsNoQueryAndSaysWhenThereWasNothing() {
        api.on("POST", "/v1/dead-letters/replay", json(202, "{\"replayed\": []}"));

        Run run = CannedApi.run(api.env(home), "events", "replay", "--all");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("no dead letters to replay\n");
        assertThat(api.last("POST", "/v1/dead-letters/replay").orElseThrow().query()).isEmpty();
    }

    @Test
    void replayStopsAtTheFirstRefusalAfterSayingWhatWasReplayed() {
        api.on("POST", "/v1/dead-letters/17/replay", json(202, "{\"replayed\": [17]}"));
        api.on("POST", "/v1/dead-letters/99/replay", json(404, NOT_FOUND));

        Run run = CannedApi.run(api.env(home), "events", "replay", "17", "99", "18");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("replayed 1 dead letter: 17\n");
        assertThat(run.err()).isEqualTo("error: no dead letter 99\nhint: `nubo events dead-letters` lists them\n");
        assertThat(api.last("POST", "/v1/dead-letters/18/replay")).isEmpty();
    }

    @Test
    void replayTakesExactlyOneForm() {
        Run none = CannedApi.run(api.env(home), "events", "replay");
        Run two = CannedApi.run(api.env(home), "events", "replay", "17", "--all");

        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).startsWith("Say which dead letters to replay: IDs, --trigger NAME or --all\n");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).startsWith("Give one of IDs, --trigger NAME or --all, not several\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void discardDeletesEachAndPrintsWhatWasDiscarded() {
        api.on("DELETE", "/v1/dead-letters/17", json("{\"deleted\": 17}"));

        Run run = CannedApi.run(api.env(home), "events", "discard", "17");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("discarded 1 dead letter: 17\n");
    }

    @Test
    void discardOfAnUnknownIdIsTheServersError() {
        api.on("DELETE", "/v1/dead-letters/99", json(404, NOT_FOUND));

        Run run = CannedApi.run(api.env(home), "events", "discard", "99");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no dead letter 99\nhint: `nubo events dead-letters` lists them\n");
    }

    @Test
    void listOfAnUnknownTriggerIsTheServersError() {
        api.on("GET", "/v1/dead-letters", json(404, """
                {"error": {"code": "trigger.not_found", "message": "no trigger named 'nope'",
                  "hint": "`nubo trigger list` shows the triggers"}}"""));

        Run run = CannedApi.run(api.env(home), "events", "dead-letters", "--trigger", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no trigger named 'nope'\nhint: `nubo trigger list` shows the triggers\n");
    }
}
