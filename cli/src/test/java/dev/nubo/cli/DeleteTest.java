package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteTest {

    @TempDir
    Path home;

    @Test
    void printsWhatWasDeleted() throws IOException {
        try (CannedApi api = new CannedApi()) {
            api.on("DELETE", "/v1/services/hello-java", json("{\"deleted\": \"hello-java\"}"));

            Run run = CannedApi.run(api.env(home), "delete", "hello-java");

            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEqualTo("deleted hello-java\n");
            assertThat(api.received).extracting(CannedApi.Received::method).containsExactly("DELETE");
        }
    }
}
