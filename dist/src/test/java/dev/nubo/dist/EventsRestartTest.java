package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events accepted (202) before the server is killed with SIGKILL are delivered after it restarts:
 * the acknowledgement means the event log has them on disk, not that they were delivered.
 */
class EventsRestartTest {

    static final int EVENTS = 300;

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;

    @AfterEach
    void stop() {
        if (nubo != null) {
            nubo.close();
        }
    }

    private HttpResponse<String> api(String method, String path, String contentType, String body) {
        return nubo.api(method, path, nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(body), contentType);
    }

    @Test
    void eventsAcceptedBeforeAKillNineAreDeliveredAfterTheRestart() throws Exception {
        nubo = TestNubo.start(home, 0);
        // The service does not exist yet: every attempt gets a 404 and is retried, so nothing is delivered before the kill.
        HttpResponse<String> trigger = api("POST", "/v1/triggers", "application/json",
                "{\"name\":\"late\",\"to\":\"late\",\"delivery\":{\"attempts\":100,\"backoff\":\"200ms\",\"maxBackoff\":\"1s\"}}");
        assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
        for (int batch = 0; batch < EVENTS / 100; batch++) {
            StringBuilder events = new StringBuilder("[");
            for (int i = 0; i < 100; i++) {
                int n = batch * 100 + i;
                events.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"ev-").append(n)
                        .append("\",\"source\":\"/restart-test\",\"type\":\"t\",\"data\":{\"n\":").append(n).append("}}");
            }
            HttpResponse<String> accepted = api("POST", "/v1/brokers/default/events", "application/cloudevents-batch+json",
                    events.append("]").toString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }

        nubo.crashAndRestart();
        Path late = TestNubo.app(apps, "late", Files.readString(TestNubo.example("hello-events").resolve("nubo.yaml"))
                .replace("name: hello-events", "name: late"), Map.of("server.js",
                Files.readString(TestNubo.example("hello-events").resolve("server.js"))));
        cli("deploy", late.toString());

        Pattern id = Pattern.compile("event t id=(ev-\\d+) ");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            Set<String> delivered = new TreeSet<>();
            Matcher m = id.matcher(cli("logs", "late", "--tail", "10000"));
            while (m.find()) {
                delivered.add(m.group(1));
            }
            assertThat(delivered).as("distinct events delivered after the restart").hasSize(EVENTS);
        });
        JsonNode dead = Json.mapper().readTree(api("GET", "/v1/dead-letters", "application/json", "").body());
        assertThat(dead.path("deadLetters")).isEmpty();
    }

    private String cli(String... args) {
        TestNubo.CliResult r = nubo.nubo(args);
        assertThat(r.exitCode()).as("nubo %s\n%s", String.join(" ", args), r).isZero();
        return r.out();
    }
}
