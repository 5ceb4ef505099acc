package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeTest {

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    DescribeTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aStaticSiteSaysTheGatewayServesIt() {
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002",
                Samples.revision("hello-java-00002", "READY", true, ""), "")
                .replace("\"instances\": {\"ready\": 1, \"desired\": 1}", "\"instances\": {\"ready\": 0, \"desired\": 0}")
                .replace("\"runtime\": \"java\"", "\"runtime\": \"static\"")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.out()).contains("State:     ready (served by the gateway: no instances)\n");
    }

    @Test
    void showsTheLimitsAndWhatTheyRefusedInTheLastMinute() {
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002",
                Samples.revision("hello-java-00002", "READY", true, ""), "")
                .replace("\"paths\": [\"/hello\"],", """
                        "paths": ["/hello"], "limits": {"rate": "100/s", "burst": 200, "perClient": false, "concurrency": 50,
                         "inFlight": 3, "overRateLastMinute": 37, "overConcurrencyLastMinute": 0, "refusedTotal": 40,
                         "paths": {"/search": {"rate": "10/s", "burst": 10, "perClient": false, "concurrency": null, "inFlight": 0,
                          "overRateLastMinute": 2, "overConcurrencyLastMinute": 0, "refusedTotal": 2, "paths": null}}},""")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.out()).contains("Limits:    rate 100/s burst 200 — 37 refused in the last minute; "
                + "concurrency 50 (3 in flight) — none refused in the last minute; on /search: rate 10/s burst 10 — 2 refused in the last minute\n");
    }

    @Test
    void showsTheOpenBreakerWhyAndTheEjectedInstances() {
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002",
                Samples.revision("hello-java-00002", "READY", true, ""), "")
                .replace("\"paths\": [\"/hello\"],", """
                        "paths": ["/hello"], "resilience": {"circuitBreaker": "5 failures in a row, open 30s", "state": "open",
                         "reason": "5 requests in a row failed, the last with 503", "retryAfter": 27, "opened": 1,
                         "refusedLastMinute": 12, "refusedTotal": 12, "fallback": "200 application/json",
                         "outliers": "3 failures in a row, eject 30s", "ejected": [{"instance": "hello-java-00002-abcde",
                         "secondsLeft": 20, "times": 1}], "ejectionsTotal": 2, "retries": "budget 20%", "retriesTotal": 4,
                         "retriesOverBudget": 1},""")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.out()).contains("Breaker:   open for 27s more — 5 requests in a row failed, the last with 503 "
                + "(5 failures in a row, open 30s; fallback 200 application/json); 12 answered in its place in the last minute\n");
        assertThat(run.out()).contains("Ejection:  ejected hello-java-00002-abcde (20s left, ejection 1 in a row) "
                + "(3 failures in a row, eject 30s); 2 ejection(s) in all\n");
        assertThat(run.out()).contains("Retries:   4 sent to another instance, 1 over the budget (budget 20%)\n");
    }

    @Test
    void aDrainingInstanceSaysUntilWhenItServesCallersThatFoundItInTheRegistry() {
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002",
                Samples.revision("hello-java-00002", "READY", true, Samples.instance("hello-java-00001-x7k2p", "DRAINING", 0)
                        .replace("\"failure\": null}", "\"failure\": null, \"callersUntil\": \"2999-01-01T00:00:15Z\"}")), "")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.out()).contains("DRAINING (serving callers that found it in the registry, until 2999-01-01T00:00:15Z (in ");
    }

    @Test
    void aServiceScaledToZeroSaysSoAndWhatWakesIt() {
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002",
                Samples.revision("hello-java-00002", "READY", true, ""), "")
                .replace("\"instances\": {\"ready\": 1, \"desired\": 1}", "\"instances\": {\"ready\": 0, \"desired\": 0}")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.out()).contains("State:     ready (scaled to zero: the next request starts an instance)\n");
    }

    @Test
    void showsRevisionsNewestFirstWithInstancesFailuresAndTheLastTenEvents() {
        String events = IntStream.rangeClosed(1, 12).mapToObj(i -> """
                {"time": "2026-11-21T12:0%d:00Z", "revision": "hello-java-00002", "message": "event %d"}"""
                .formatted(i % 10, 13 - i)).collect(Collectors.joining(","));
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002",
                Samples.failedRevision("hello-java-00003") + ","
                        + Samples.revision("hello-java-00002", "READY", true,
                                Samples.instance("hello-java-00002-x7k2p", "READY", 0)),
                events)));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("""
                Name:      hello-java
                URL:       http://hello-java.localhost:8080/
                State:     ready (1/1 instances ready)
                Runtime:   java
                Serving:   hello-java-00002
                Paths:     /hello
                Limits:    none
                Created:   2026-11-21T12:00:00Z (10m ago)

                Traffic:
                  hello-java-00002   100%   http://hello-java.localhost:8080/
                  configured: latest=100, following the newest ready revision

                Revisions:
                  hello-java-00003   FAILED   created 2026-11-21T12:00:00Z (10m ago)
                    reason: exited with code 1 before becoming ready
                      Exception in thread "main" java.lang.ClassNotFoundException: Hello
                      \tat Main.main
                    INSTANCE                 STATE                 PID   PORT   RESTARTS   START   READY SINCE
                    hello-java-00003-x7k2p   FAILED (crash loop)   -     -      3          -       -
                  hello-java-00002   READY   serving   created 2026-11-21T12:00:00Z (10m ago)
                    INSTANCE                 STATE   PID    PORT    RESTARTS   START   READY SINCE
                    hello-java-00002-x7k2p   READY   4242   40123   0          800ms   2026-11-21T12:00:00Z (9m ago)

                Events:
                """);
        assertThat(run.out()).contains("event 12\n").contains("event 3\n").doesNotContain("event 2\n");
    }

    @Test
    void showsTheSplitTagsAndHowEachRoutedRevisionIsScaled() {
        String configured = """
                {"splits": [{"revision": "hello-java-00002", "percent": 90}, {"revision": "latest", "percent": 10}],
                 "tags": {"canary": "hello-java-00003"}}""";
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00002", null,
                Samples.traffic(configured,
                        Samples.route("hello-java-00002", 90, "", "\"http://hello-java.localhost:8080/\""),
                        Samples.route("hello-java-00003", 10, "\"canary\"",
                                "\"http://hello-java.localhost:8080/\", \"http://canary-hello-java.localhost:8080/\"")),
                Samples.revision("hello-java-00003", "READY", false, 10, "\"canary\"",
                        Samples.scaling(0, "1 → 0 instances: idle for 30s", 0, 4, 0), "") + ","
                        + Samples.revision("hello-java-00002", "READY", true, 90, "",
                                Samples.scaling(2, "steady at 2 instances: 14.2 requests in flight on average, "
                                        + "target 10 per instance", 3, 340, 12),
                                Samples.instance("hello-java-00002-x7k2p", "READY", 0)) + ","
                        + Samples.revision("hello-java-00001", "READY", false, ""),
                "")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("""
                Serving:   hello-java-00002
                """).contains("""
                Traffic:
                  hello-java-00002   90%   http://hello-java.localhost:8080/
                  hello-java-00003   10%   tags: canary   http://hello-java.localhost:8080/ http://canary-hello-java.localhost:8080/
                  configured: hello-java-00002=90 latest=10 --tag canary=hello-java-00003, where latest is the newest ready revision

                Revisions:
                  hello-java-00003   READY   10%   tags: canary   created 2026-11-21T12:00:00Z (10m ago)
                    scaling: 1 → 0 instances: idle for 30s; now 0 in flight, 0 waiting; 4 requests so far, none held
                  hello-java-00002   READY   serving   90%   created 2026-11-21T12:00:00Z (10m ago)
                    scaling: steady at 2 instances: 14.2 requests in flight on average, target 10 per instance; \
                now 3 in flight, 0 waiting; held 12 of 340 requests, p50 40ms p99 180ms max 210ms
                    INSTANCE                 STATE   PID    PORT    RESTARTS   START   READY SINCE
                    hello-java-00002-x7k2p   READY   4242   40123   0          800ms   2026-11-21T12:00:00Z (9m ago)
                  hello-java-00001   READY   created 2026-11-21T12:00:00Z (10m ago)

                Events:
                """);
    }

    @Test
    void writesTheScalingLineInWordsWithTheSingularForOne() {
        api.on("GET", "/v1/services/hello-python", json(Samples.service("hello-python-00001", null,
                Samples.traffic(Samples.LATEST,
                        Samples.route("hello-python-00001", 100, "", "\"http://hello-python.localhost:8080/\"")),
                Samples.revision("hello-python-00001", "READY", true, 100, "",
                        Samples.scaling(1, "0 → 1 instance: cold start, 1 request waiting, target 100 per instance", 0, 1, 0),
                        "") + ","
                        + Samples.revision("hello-python-00000", "READY", false, 0, "",
                                Samples.scaling(1, "", 1, 2, 1), ""),
                "")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-python");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("""
                    scaling: 0 → 1 instance: cold start, 1 request waiting, target 100 per instance; \
                now 0 in flight, 0 waiting; 1 request so far, none held
                """).contains("""
                    scaling: 1 instance wanted; now 1 in flight, 0 waiting; held 1 of 2 requests, p50 40ms p99 180ms max 210ms
                """);
    }

    @Test
    void saysWhenARollbackOverridesTheConfiguredTraffic() {
        api.on("GET", "/v1/services/hello-java", json(Samples.service("hello-java-00001", "hello-java-00001",
                Samples.traffic(Samples.LATEST,
                        Samples.route("hello-java-00001", 100, "", "\"http://hello-java.localhost:8080/\"")),
                Samples.revision("hello-java-00002", "READY", false, "") + ","
                        + Samples.revision("hello-java-00001", "READY", true, ""),
                "")));

        Run run = CannedApi.run(api.env(home), "describe", "hello-java");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("""
                Serving:   hello-java-00001 (pinned to hello-java-00001 until the next deploy)
                """).contains("""
                Traffic:
                  hello-java-00001   100%   http://hello-java.localhost:8080/
                  configured: latest=100; overridden by the rollback to hello-java-00001 until the next deploy \
                or traffic change
                """);
    }
}
