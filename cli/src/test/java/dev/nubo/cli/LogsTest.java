package dev.nubo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nubo.cli.CannedApi.Reply;
import dev.nubo.cli.CannedApi.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsTest {

    static final String LINES = """
            2026-11-21T12:00:00.615Z hello-java-00002-x7k2p nubo started pid 4242 on port 40123
            2026-11-21T12:00:01.042Z hello-java-00002-x7k2p stdout [4b1c] greeting Ada
            """;

    @TempDir
    Path home;

    @Test
    void printsTheLinesAndPassesTailFollowAndRevision() throws IOException {
        try (CannedApi api = new CannedApi()) {
            api.on("GET", "/v1/services/hello-java/logs", new Reply(200, "text/plain", LINES));

            Run run = CannedApi.run(api.env(home), "logs", "hello-java", "--tail", "5", "--revision", "hello-java-00002");

            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEqualTo(LINES);
            assertThat(api.last("GET", "/v1/services/hello-java/logs").orElseThrow().query())
                    .isEqualTo("follow=false&tail=5&revision=hello-java-00002");
        }
    }

    @Test
    void aTraceNarrowsTheLinesToItsRequestsToTheService() throws IOException {
        try (CannedApi api = new CannedApi()) {
            api.on("GET", "/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736", CannedApi.Reply.json("""
                    {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spans": [
                     {"spanId": "a1", "name": "GET /", "service": "hello-java", "attributes": {"nubo.request_id": "4b1c"}},
                     {"spanId": "b2", "name": "GET /stock", "service": "stock", "attributes": {"nubo.request_id": "9f9f"}}]}
                    """));
            api.on("GET", "/v1/services/hello-java/logs", new Reply(200, "text/plain", LINES));

            Run run = CannedApi.run(api.env(home), "logs", "hello-java", "--trace", "4bf92f3577b34da6a3ce929d0e0e4736");

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(api.last("GET", "/v1/services/hello-java/logs").orElseThrow().query()).isEqualTo("follow=false&request=4b1c");
            Run elsewhere = CannedApi.run(api.env(home), "logs", "cart", "--trace", "4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(elsewhere.exit()).isNotZero();
            assertThat(elsewhere.err()).contains("trace 4bf92f3577b34da6a3ce929d0e0e4736 has no request to cart among the spans Nubo keeps");
        }
    }

    @Test
    void followPrintsEachLineAsItArrivesNotWhenTheStreamEnds() throws Exception {
        CountDownLatch firstLineSeen = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("first\n".getBytes(StandardCharsets.UTF_8));
                body.flush();
                // The second line is only written once the CLI has printed the first.
                firstLineSeen.await(10, TimeUnit.SECONDS);
                body.write("second\n".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            PipedWriter piped = new PipedWriter();
            BufferedReader printed = new BufferedReader(new PipedReader(piped));
            var nubo = Cli.standalone(new Env(Map.of("NUBO_SERVER", "http://127.0.0.1:" + server.getAddress().getPort()),
                    home, false, InstantSource.system(), System.in));
            nubo.setOut(new PrintWriter(piped, true));
            Thread cli = Thread.ofVirtual().start(() -> nubo.execute("logs", "hello-java", "-f"));

            assertThat(printed.readLine()).isEqualTo("first");
            firstLineSeen.countDown();
            assertThat(printed.readLine()).isEqualTo("second");
            assertThat(cli.join(Duration.ofSeconds(10))).as("nubo logs ends with the stream").isTrue();
        } finally {
            server.stop(0);
        }
    }
}
