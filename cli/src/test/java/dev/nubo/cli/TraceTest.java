package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    TraceTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void printsTheSpansAsATreeUnderTheirParents() {
        api.on("GET", "/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736", json("""
                {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spans": [
                 {"spanId": "a1", "parentId": "caller", "name": "GET /hello", "service": "shop", "durationMs": 412.34, "status": "ok"},
                 {"spanId": "b2", "parentId": "a1", "name": "hold", "service": "shop", "durationMs": 398.0, "status": "ok"},
                 {"spanId": "c3", "parentId": "b2", "name": "cold start", "service": "shop", "durationMs": 1371.2, "status": "ok"},
                 {"spanId": "d4", "parentId": "a1", "name": "call instance", "service": "shop", "durationMs": 13.9, "status": "error"},
                 {"spanId": "e5", "parentId": "d4", "name": "GET /stock", "service": "stock", "durationMs": 2.5, "status": "ok"}]}
                """));

        Run run = CannedApi.run(api.env(home), "trace", "4bf92f3577b34da6a3ce929d0e0e4736");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                trace 4bf92f3577b34da6a3ce929d0e0e4736
                SPAN               SERVICE   DURATION   STATUS
                GET /hello         shop      412.3ms    ok
                ├─ hold            shop      398.0ms    ok
                │  └─ cold start   shop      1.37s      ok
                └─ call instance   shop      13.9ms     error
                   └─ GET /stock   stock     2.5ms      ok
                """);
    }

    @Test
    void listsRecentTracesOfAService() {
        api.on("GET", "/v1/traces", json("""
                {"traces": [{"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "root": "GET /hello", "services": ["shop", "stock"],
                  "start": "2026-12-03T18:00:00Z", "durationMs": 20.0, "spans": 4, "status": "ok"}]}
                """));

        Run run = CannedApi.run(api.env(home), "trace", "--list", "--service", "shop", "--limit", "5");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("4bf92f3577b34da6a3ce929d0e0e4736   GET /hello   shop,stock   2026-12-03T18:00:00Z   20.0ms");
        assertThat(api.last("GET", "/v1/traces").orElseThrow().query()).isEqualTo("limit=5&service=shop");
    }

    @Test
    void asksForATraceIdOrTheList() {
        Run run = CannedApi.run(api.env(home), "trace");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("give a TRACE_ID, or --list for the recent traces");
    }
}
