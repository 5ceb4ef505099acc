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
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unmodified JVM app ({@code runtime: process} running {@code java}) starts from the cache its first start recorded. */
class JvmAppsTest {

    private static final String APP = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;

            public class Hello {
                public static void main(String[] args) throws Exception {
                    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
                    server.createContext("/", exchange -> {
                        byte[] body = "hello from java\\n".getBytes();
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                        exchange.close();
                    });
                    server.start();
                }
            }
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
    void laterStartsOfAJavaAppUseTheStartCacheItsFirstStartRecorded() {
        // The JDK running these tests (25 on this project's machines: an AOT cache); the app is compiled for it.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path dir = TestNubo.app(apps.resolve("jhello"), "jhello", "name: jhello\nruntime: process\ncommand: [" + java
                + ", -cp, ., Hello]\nscale: {idle: 1s}\n", Map.of("Hello.java", APP));
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(),
                dir.resolve("Hello.java").toString())).isZero();

        TestNubo.CliResult deployed = nubo.nubo("deploy", dir.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        assertThat(startCache()).contains(" records it; used by the starts after it stops");

        // Idle for 1 s: the instance stops, its JVM writes the recording, the cache is made from it.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(startCache()).startsWith("AOT cache in use, JDK "));

        HttpResponse<String> woken = nubo.get("jhello", "/");
        assertThat(woken.statusCode()).isEqualTo(200);
        assertThat(woken.body()).isEqualTo("hello from java\n");
        TestNubo.CliResult logs = nubo.nubo("logs", "jhello");
        assertThat(logs.out()).contains("Picked up JDK_JAVA_OPTIONS: -XX:AOTMode=record")
                .contains("Picked up JDK_JAVA_OPTIONS: -XX:AOTCache=");
        TestNubo.CliResult described = nubo.nubo("describe", "jhello");
        assertThat(described.out()).contains("start cache: AOT cache in use, JDK ");
    }

    private String startCache() {
        HttpResponse<String> r = nubo.api("GET", "/v1/services/jhello", nubo.server().adminToken(), HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            JsonNode revision = Json.mapper().readTree(r.body()).path("revisions").get(0);
            return revision.path("startCache").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
