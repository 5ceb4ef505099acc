package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackTest {

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    RollbackTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void pinsTheRevisionAndWaitsUntilItServes() {
        api.on("POST", "/v1/services/hello-java/rollback",
                json("{\"service\": \"hello-java\", \"revision\": \"hello-java-00001\"}"));
        api.on("GET", "/v1/services/hello-java/revisions/hello-java-00001",
                json(Samples.revision("hello-java-00001", "READY", false,
                        Samples.instance("hello-java-00001-ab12c", "STARTING", 0))),
                json(Samples.revision("hello-java-00001", "READY", true,
                        Samples.instance("hello-java-00001-ab12c", "READY", 0))));

        Run run = CannedApi.run(api.env(home), "rollback", "hello-java", "hello-java-00001");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                hello-java now serves hello-java-00001 (pinned; the next deploy unpins)
                … instance hello-java-00001-ab12c starting
                ✓ hello-java-00001 is serving
                """);
        assertThat(api.last("POST", "/v1/services/hello-java/rollback").orElseThrow().body())
                .asString().isEqualTo("{\"revision\":\"hello-java-00001\"}");
    }

    @Test
    void doesNotAnnounceInstancesThatWereReadyBeforeTheRollback() {
        api.on("POST", "/v1/services/hello-java/rollback",
                json("{\"service\": \"hello-java\", \"revision\": \"hello-java-00001\"}"));
        api.on("GET", "/v1/services/hello-java/revisions/hello-java-00001",
                json(Samples.revision("hello-java-00001", "READY", true,
                        Samples.instance("hello-java-00001-ab12c", "READY", 0, true))));

        Run run = CannedApi.run(api.env(home), "rollback", "hello-java", "hello-java-00001");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                hello-java now serves hello-java-00001 (pinned; the next deploy unpins)
                ✓ hello-java-00001 is serving
                """);
    }

    @Test
    void withoutARevisionLetsTheServerPickAndDoesNotWaitWhenAsked() {
        api.on("POST", "/v1/services/hello-java/rollback",
                json("{\"service\": \"hello-java\", \"revision\": \"hello-java-00001\"}"));

        Run run = CannedApi.run(api.env(home), "rollback", "hello-java", "--no-wait");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("hello-java now serves hello-java-00001 (pinned; the next deploy unpins)\n");
        assertThat(api.last("POST", "/v1/services/hello-java/rollback").orElseThrow().body()).asString().isEqualTo("{}");
    }
}
