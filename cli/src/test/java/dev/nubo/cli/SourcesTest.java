package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.cli.CannedApi.Run;
import dev.nubo.model.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {

    static final String NIGHTLY = """
            {"name": "nightly", "kind": "cron", "to": "broker:default", "createdAt": "2026-11-21T12:00:00Z",
             "cron": {"schedule": "0 3 * * *", "timeZone": "Europe/Paris", "description": "at 03:00",
                      "type": "report.due"},
             "status": {"state": "running", "lastError": null, "next": "2026-11-22T02:00:00Z", "lastFired": "2026-11-21T02:00:00Z"}}""";

    static final String GH = """
            {"name": "gh", "kind": "webhook", "to": "service:ci/hook", "createdAt": "2026-11-21T12:00:00Z",
             "webhook": {"signed": true, "type": "com.github.push"}, "url": "http://127.0.0.1:8081/v1/webhooks/gh",
             "status": {"state": "running", "lastError": null, "accepted": 3, "lastAccepted": "2026-11-21T12:05:00Z"}}""";

    static final String ORDERS_IN = """
            {"name": "orders-in", "kind": "kafka", "to": "broker:default", "createdAt": "2026-11-21T11:00:00Z",
             "kafka": {"bootstrapServers": "127.0.0.1:9092", "topic": "orders", "group": "g1"},
             "status": {"state": "failed", "lastError": "cannot reach 127.0.0.1:9092: connection refused",
               "lastErrorAt": "2026-11-21T12:09:00Z", "handedOff": 0}}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    SourcesTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createCronSendsTheScheduleAndDataAndPrintsTheNextRun() throws IOException {
        api.on("POST", "/v1/sources", json(201, NIGHTLY));

        Run run = CannedApi.run(api.env(home), "source", "create", "cron", "nightly", "--schedule", "0 3 * * *",
                "--tz", "Europe/Paris", "--type", "report.due", "-d", "{\"x\":1}", "--broker", "default");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("""
                ✓ source nightly created: cron to broker:default
                  schedule: 0 3 * * * (at 03:00, Europe/Paris); next 2026-11-22T02:00:00Z (in 13h)
                """);
        assertThat(sent()).isEqualTo(Json.mapper().readTree("""
                {"name": "nightly", "kind": "cron", "to": "broker:default",
                 "cron": {"schedule": "0 3 * * *", "timeZone": "Europe/Paris", "type": "report.due",
                          "data": "{\\"x\\":1}", "contentType": "application/json"}}"""));
    }

    @Test
    void createCronToAServiceSendsOnlyWhatWasGiven() throws IOException {
        api.on("POST", "/v1/sources", json(201, NIGHTLY));

        CannedApi.run(api.env(home), "source", "create", "cron", "tick", "--schedule", "*/5 * * * *",
                "--to", "health/check");

        assertThat(sent()).isEqualTo(Json.mapper().readTree("""
                {"name": "tick", "kind": "cron", "to": "health/check", "cron": {"schedule": "*/5 * * * *"}}"""));
    }

    @Test
    void createWebhookPrintsTheUrlToConfigureInTheSender() throws IOException {
        api.on("POST", "/v1/sources", json(201, GH));

        Run run = CannedApi.run(api.env(home), "source", "create", "webhook", "gh", "--secret", "s3cret",
                "--type", "com.github.push", "--to", "ci/hook");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("""
                ✓ source gh created: webhook to service:ci/hook
                  configure the sender to POST to http://127.0.0.1:8081/v1/webhooks/gh
                """);
        assertThat(sent()).isEqualTo(Json.mapper().readTree("""
                {"name": "gh", "kind": "webhook", "to": "ci/hook",
                 "webhook": {"secret": "s3cret", "type": "com.github.push"}}"""));
    }

    @Test
    void createWebhookReadsTheSecretFromAFileOrStandardInputWithoutItsLineBreak() throws IOException {
        api.on("POST", "/v1/sources", json(201, GH));
        Path file = Files.writeString(home.resolve("secret"), "from-file\n");
        Env withStdin = new Env(api.env(home).vars(), home, false, InstantSource.fixed(CannedApi.NOW),
                new ByteArrayInputStream("from-stdin\r\n".getBytes(StandardCharsets.UTF_8)));

        CannedApi.run(api.env(home), "source", "create", "webhook", "gh", "--secret-file", file.toString(), "--to", "ci");
        assertThat(sent().path("webhook").path("secret").asText()).isEqualTo("from-file");
        CannedApi.run(withStdin, "source", "create", "webhook", "gh", "--secret-file", "-", "--to", "ci");
        assertThat(sent().path("webhook").path("secret").asText()).isEqualTo("from-stdin");
    }

    @Test
    void createWebhookWithoutASecretWarnsThatAnyoneCanSend() {
        api.on("POST", "/v1/sources", json(201, GH.replace("\"signed\": true", "\"signed\": false")));

        Run run = CannedApi.run(api.env(home), "source", "create", "webhook", "gh", "--broker", "default");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEqualTo("note: gh takes unsigned requests: anyone who can reach the URL can send "
                + "events (create it with --secret to require a signature)\n");
    }

    @Test
    void createWebhookWithBothSecretOptionsIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "source", "create", "webhook", "gh", "--secret", "a",
                "--secret-file", "b", "--to", "ci");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Give the secret once: --secret or --secret-file, not both\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void createKafkaSendsTheBootstrapServersTopicAndGroup() throws IOException {
        api.on("POST", "/v1/sources", json(201, ORDERS_IN));

        Run run = CannedApi.run(api.env(home), "source", "create", "kafka", "orders-in", "--bootstrap", "127.0.0.1:9092",
                "--topic", "orders", "--group", "g1", "--broker", "default");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ✓ source orders-in created: kafka to broker:default
                  reading topic orders at 127.0.0.1:9092 as group g1
                """);
        assertThat(sent()).isEqualTo(Json.mapper().readTree("""
                {"name": "orders-in", "kind": "kafka", "to": "broker:default",
                 "kafka": {"bootstrapServers": "127.0.0.1:9092", "topic": "orders", "group": "g1"}}"""));
    }

    @Test
    void createKafkaWithBootstrapServersThatAreNotHostAndPortIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "source", "create", "kafka", "k", "--bootstrap", "localhost",
                "--topic", "orders", "--to", "orders");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith(
                "--bootstrap 'localhost' is not HOST:PORT[,HOST:PORT...]; write it like 127.0.0.1:9092\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void toAndBrokerAreOneRequiredChoice() {
        Run neither = CannedApi.run(api.env(home), "source", "create", "cron", "n", "--schedule", "0 3 * * *");
        Run both = CannedApi.run(api.env(home), "source", "create", "cron", "n", "--schedule", "0 3 * * *",
                "--to", "svc", "--broker", "default");

        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).startsWith(
                "Error: Missing required argument (specify one of these): (--to=SERVICE[/PATH]|workflow:NAME | --broker=NAME)\n");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).startsWith(
                "Error: --to=SERVICE[/PATH]|workflow:NAME, --broker=NAME are mutually exclusive (specify only one)\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void anUnknownTimeZoneIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "source", "create", "cron", "n", "--schedule", "0 3 * * *",
                "--tz", "Paris", "--to", "svc");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid value for option '--tz': 'Paris' is not a time zone; use a region "
                + "such as Europe/Paris, or UTC\n");
    }

    @Test
    void aScheduleTheServerRefusesIsItsError() {
        api.on("POST", "/v1/sources", json(400, """
                {"error": {"code": "source.invalid", "message": "cron schedule '0 3 * *' has 4 fields, not 5",
                  "hint": "write minute hour day-of-month month day-of-week, e.g. '0 3 * * *'"}}"""));

        Run run = CannedApi.run(api.env(home), "source", "create", "cron", "n", "--schedule", "0 3 * *", "--to", "svc");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: cron schedule '0 3 * *' has 4 fields, not 5
                hint: write minute hour day-of-month month day-of-week, e.g. '0 3 * * *'
                """);
    }

    @Test
    void listPrintsKindTargetStateAndWhatEachReads() {
        api.on("GET", "/v1/sources", json("{\"sources\": [" + NIGHTLY + "," + GH + "," + ORDERS_IN + "]}"));

        Run run = CannedApi.run(api.env(home), "source", "list");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME        KIND      TO                STATE     DETAIL
                nightly     cron      broker:default    running   0 3 * * * (at 03:00, Europe/Paris)
                gh          webhook   service:ci/hook   running   http://127.0.0.1:8081/v1/webhooks/gh
                orders-in   kafka     broker:default    failed    topic orders at 127.0.0.1:9092
                """);
    }

    @Test
    void listSaysHowToStartWhenThereAreNoSources() {
        api.on("GET", "/v1/sources", json("{\"sources\": []}"));

        Run run = CannedApi.run(api.env(home), "source", "list");

        assertThat(run.out()).isEqualTo("no sources yet; create one with `nubo source create cron|webhook|kafka NAME ...`\n");
    }

    @Test
    void describeShowsTheScheduleAndNextRun() {
        api.on("GET", "/v1/sources/nightly", json(NIGHTLY));

        Run run = CannedApi.run(api.env(home), "source", "describe", "nightly");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                Name:      nightly
                Kind:      cron
                To:        broker:default
                State:     running
                Schedule:  0 3 * * * (at 03:00, Europe/Paris)
                Next:      2026-11-22T02:00:00Z (in 13h)
                Fired:     last at 2026-11-21T02:00:00Z (10h ago)
                Type:      report.due
                Created:   2026-11-21T12:00:00Z (10m ago)
                """);
    }

    @Test
    void describeShowsAWebhooksUrlAndAKafkaSourcesLastError() {
        api.on("GET", "/v1/sources/gh", json(GH));
        api.on("GET", "/v1/sources/orders-in", json(ORDERS_IN));

        Run webhook = CannedApi.run(api.env(home), "source", "describe", "gh");
        Run kafka = CannedApi.run(api.env(home), "source", "describe", "orders-in");

        assertThat(webhook.out()).contains("""
                URL:       http://127.0.0.1:8081/v1/webhooks/gh
                Signed:    yes: requests must be signed with the secret
                Type:      com.github.push
                Accepted:  3 requests, the last 2026-11-21T12:05:00Z (5m ago)
                """);
        assertThat(kafka.out()).isEqualTo("""
                Name:      orders-in
                Kind:      kafka
                To:        broker:default
                State:     failed
                Bootstrap: 127.0.0.1:9092
                Topic:     orders
                Group:     g1
                Stored:    0 records
                Created:   2026-11-21T11:00:00Z (70m ago)
                Error:     cannot reach 127.0.0.1:9092: connection refused
                Error at:  2026-11-21T12:09:00Z (60s ago)
                """);
    }

    @Test
    void describeOfAnUnknownSourceIsTheServersError() {
        api.on("GET", "/v1/sources/nope", json(404, """
                {"error": {"code": "source.not_found", "message": "no source named 'nope'",
                  "hint": "`nubo source list` shows the sources"}}"""));

        Run run = CannedApi.run(api.env(home), "source", "describe", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no source named 'nope'\nhint: `nubo source list` shows the sources\n");
    }

    @Test
    void deletePrintsWhatWasDeleted() {
        api.on("DELETE", "/v1/sources/gh", json("{\"deleted\": \"gh\"}"));

        Run run = CannedApi.run(api.env(home), "source", "delete", "gh");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("deleted source gh\n");
    }

    @Test
    void deleteOfAnUnknownSourceIsTheServersError() {
        api.on("DELETE", "/v1/sources/nope", json(404, """
                {"error": {"code": "source.not_found", "message": "no source named 'nope'",
                  "hint": "`nubo source list` shows the sources"}}"""));

        Run run = CannedApi.run(api.env(home), "source", "delete", "nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: no source named 'nope'\nhint: `nubo source list` shows the sources\n");
    }


    private JsonNode sent() {
        try {
            return Json.mapper().readTree(api.last("POST", "/v1/sources").orElseThrow().body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
