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

class ListServicesTest {

    static final String TWO_SERVICES = """
            {"services": [
              {"name": "hello-java", "url": "http://hello-java.localhost:8080/", "runtime": "java",
               "servingRevision": "hello-java-00002", "latestRevision": "hello-java-00002",
               "state": "ready", "instances": {"ready": 1, "desired": 1}, "createdAt": "2026-11-21T12:00:00Z"},
              {"name": "py", "url": "http://py.localhost:8080/", "runtime": "process",
               "servingRevision": null, "latestRevision": "py-00001",
               "state": "failed", "instances": {"ready": 0, "desired": 2}, "createdAt": "2026-11-19T09:00:00Z"}
            ]}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    ListServicesTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void printsOneAlignedRowPerService() {
        api.on("GET", "/v1/services", json(TWO_SERVICES));

        Run run = CannedApi.run(api.env(home), "list");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME         URL                                 REVISION           READY   STATE    AGE
                hello-java   http://hello-java.localhost:8080/   hello-java-00002   1/1     ready    10m
                py           http://py.localhost:8080/           -                  0/2     failed   2d
                """);
    }

    @Test
    void jsonOutputIsTheApisAnswerIndented() throws IOException {
        api.on("GET", "/v1/services", json(TWO_SERVICES));

        Run run = CannedApi.run(api.env(home), "list", "-o", "json");

        assertThat(Json.mapper().readTree(run.out())).isEqualTo(Json.mapper().readTree(TWO_SERVICES));
        assertThat(run.out()).contains("\n  \"services\" : [");
    }

    @Test
    void saysHowToStartWhenThereAreNoServices() {
        api.on("GET", "/v1/services", json("{\"services\": []}"));

        Run run = CannedApi.run(api.env(home), "list");

        assertThat(run.out()).isEqualTo("no services yet; deploy one with `nubo deploy DIR`\n");
    }
}
