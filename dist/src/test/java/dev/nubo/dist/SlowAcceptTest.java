package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified app that accepts slowly, end to end: Python's single-threaded {@code http.server},
 * one request at a time behind its default listen backlog of 5, which takes 5 s to start. A burst
 * from zero must be served whole, by the one instance its size asks for.
 */
class SlowAcceptTest {

    /** Serves one request at a time (50 ms each, so 60 take 3 s) after a 5 s start; HTTPServer listens with a backlog of 5. */
    private static final String APP = """
            import os, sys, time, signal
            from http.server import BaseHTTPRequestHandler, HTTPServer
            class H(BaseHTTPRequestHandler):
                def do_GET(self):
                    time.sleep(0.05)
                    body = ("served " + self.path).encode()
                    self.send_response(200)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *a):
                    pass
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            time.sleep(5)
            HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    @TempDir
    Path home;

    @TempDir
    Path apps;

    TestNubo nubo;

    @BeforeEach
    void start() {
        nubo = TestNubo.start(home);
    }

    @AfterEach
    void stop() {
        nubo.close();
    }

    @Test
    void aBurstOfSixtyFromZeroAtAnAppThatServesOneAtATimeIsServedWhole() throws Exception {
        Path dir = TestNubo.app(apps.resolve("slow"), "slow",
                "name: slow\nruntime: process\ncommand: [python3, -u, app.py]\nscale: {idle: 1s}\n", Map.of("app.py", APP));
        TestNubo.CliResult deployed = nubo.nubo("deploy", dir.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> instances().isEmpty());

        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 60; i++) {
                String path = "/" + i;
                burst.add(CompletableFuture.supplyAsync(() -> nubo.get("slow", path), pool));
            }
            for (int i = 0; i < 60; i++) {
                HttpResponse<String> response = burst.get(i).get();
                assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("served /" + i);
            }
        }

        JsonNode scaling = routed().path("scaling");
        assertThat(scaling.path("requests").asLong()).isEqualTo(60);
        assertThat(scaling.path("waiting").asInt()).isZero();
        // 60 held for a target of 100: one instance, and the backlog while it started asked for no more.
        assertThat(events()).anyMatch(m -> m.startsWith("slow-00001: 0 → 1 instance: cold start"))
                .noneMatch(m -> m.matches("slow-00001: \\d+ → [2-9]\\d* instances.*"));
    }

    private JsonNode routed() {
        JsonNode service = service();
        String serving = service.path("servingRevision").asText();
        return StreamSupport.stream(service.path("revisions").spliterator(), false)
                .filter(r -> r.path("id").asText().equals(serving)).findFirst().orElseThrow();
    }

    private JsonNode instances() {
        return routed().path("instances");
    }

    private List<String> events() {
        return StreamSupport.stream(service().path("events").spliterator(), false).map(e -> e.path("message").asText()).toList();
    }

    private JsonNode service() {
        HttpResponse<String> r = nubo.api("GET", "/v1/services/slow", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
