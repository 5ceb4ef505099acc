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
                Created:   2026-11-21T12:00:00Z (10m ago)

                Revisions:
                  hello-java-00003   FAILED   created 2026-11-21T12:00:00Z (10m ago)
                    reason: exited with code 1 before becoming ready
                      Exception in thread "main" java.lang.ClassNotFoundException: Hello
                      \tat Main.main
                    INSTANCE                 STATE                 PID   PORT   RESTARTS   READY SINCE
                    hello-java-00003-x7k2p   FAILED (crash loop)   -     -      3          -
                  hello-java-00002   READY   serving   created 2026-11-21T12:00:00Z (10m ago)
                    INSTANCE                 STATE   PID    PORT    RESTARTS   READY SINCE
                    hello-java-00002-x7k2p   READY   4242   40123   0          2026-11-21T12:00:00Z (9m ago)

                Events:
                """);
        assertThat(run.out()).contains("event 12\n").contains("event 3\n").doesNotContain("event 2\n");
    }
}
