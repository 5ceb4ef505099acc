package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration center through the packaged server: the CLI's versions, imports, history and
 * rollbacks; the Spring Cloud Config Server protocol at the URL every instance is given; and an
 * unmodified Spring Boot 4 app with {@code spring-cloud-starter-config} (dist/src/test/config-client,
 * built by Maven once per checkout into dist/target) that reads its value from Nubo and receives a
 * change pushed through its refresh endpoint.
 */
class SpringConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Spring app's start on a loaded 2-core machine, and a refresh's, with room to spare. */
    private static final Duration SPRING = Duration.ofSeconds(120);

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        nubo = TestNubo.start(home, 0);
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void configurationIsVersionedImportedAndRolledBackFromTheCli() throws IOException {
        assertThat(ok(nubo.nubo("config", "set", "orders", "greeting=hello", "pool.size=4")).out())
                .startsWith("orders version 1: set greeting, pool.size\n");
        ok(nubo.nubo("config", "set", "orders/prod", "greeting=hello from prod"));
        Path yaml = Files.writeString(apps.resolve("application.yml"), "db:\n  url: jdbc:x\n  pool: [1, 2]\n");
        assertThat(ok(nubo.nubo("config", "import", "orders", yaml.toString())).out())
                .startsWith("orders version 3: import application.yml (3 keys)\n");

        assertThat(ok(nubo.nubo("config", "get", "orders")).out()).contains("orders version 3 (import application.yml (3 keys), ",
                "default:\n  db.pool[0]=1\n  db.pool[1]=2\n  db.url=jdbc:x\n  greeting=hello\n  pool.size=4\nprod:\n  greeting=hello from prod\n");
        assertThat(ok(nubo.nubo("config", "get", "orders/prod")).out()).endsWith("prod:\n  greeting=hello from prod\n");
        assertThat(ok(nubo.nubo("config", "history", "orders")).out()).containsPattern(
                "VERSION +CHANGE +CREATED\n3 +import application.yml \\(3 keys\\) .*\n2 +set greeting \\(profile prod\\) .*\n1 +set greeting, pool.size .*\n");

        assertThat(ok(nubo.nubo("config", "rollback", "orders", "1")).out()).startsWith("orders version 4: rollback to version 1\n");
        JsonNode back = JSON.readTree(ok(nubo.nubo("config", "get", "orders", "-o", "json")).out());
        assertThat(back.path("version").asInt()).isEqualTo(4);
        assertThat(back.path("profiles").toString()).isEqualTo("{\"default\":{\"greeting\":\"hello\",\"pool.size\":\"4\"}}");
        assertThat(JSON.readTree(ok(nubo.nubo("config", "history", "orders", "-o", "json")).out()).path("versions")).hasSize(4);
    }

    @Test
    void mistakesAreRefusedNamingWhatIsWrong() throws IOException {
        assertThat(nubo.nubo("config", "set", "orders", "greeting")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("error: 'greeting' is not KEY=VALUE");
        });
        assertThat(nubo.nubo("config", "get", "nobody").err()).contains("error: no configuration for application nobody",
                "hint: set some with: nubo config set nobody KEY=VALUE");
        Path broken = Files.writeString(apps.resolve("broken.yml"), "greeting: hello\npool:\n  size: 8\n bad: [1, 2\n");
        assertThat(nubo.nubo("config", "import", "orders", broken.toString()).err())
                .contains("error: broken.yml line 4 does not parse as YAML: ");
        assertThat(nubo.nubo("config", "set", "billing", "a=1", "--rollout").err())
                .contains("error: no service billing to roll out");
        assertThat(nubo.nubo("config", "get", "billing").err()).as("a refused rollout changes nothing")
                .contains("no configuration for application billing");
    }

    /**
     * Any instance is told where its configuration is; the Config Server protocol answers there (and
     * nowhere without the instance's credential); {@code --rollout} starts a new revision instead of a push.
     */
    @Test
    void everyInstanceIsGivenItsConfigServerAndARolloutStartsANewRevision() throws Exception {
        ok(nubo.nubo("config", "set", "shown", "greeting=hi"));
        ok(nubo.nubo("config", "set", "shown/prod", "greeting=hi from prod"));
        ok(nubo.nubo("config", "set", "application", "shared=yes"));
        ok(nubo.nubo("deploy", "--no-build", TestNubo.app(apps, "shown", """
                name: shown
                runtime: process
                command: [python3, app.py]
                """, Map.of("app.py", """
                import json, os
                from http.server import BaseHTTPRequestHandler, HTTPServer
                class H(BaseHTTPRequestHandler):
                    def do_GET(self):
                        body = json.dumps({k: os.environ.get(k, "") for k in
                            ["SPRING_CONFIG_IMPORT", "SPRING_CLOUD_CONFIG_NAME", "NUBO_REVISION"]}).encode()
                        self.send_response(200); self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
                """)).toString()));

        JsonNode env = JSON.readTree(nubo.get("shown", "/").body());
        String url = env.path("SPRING_CONFIG_IMPORT").asText();
        assertThat(url).startsWith("optional:configserver:" + nubo.server().apiUrl() + "/config/shown-00001-");
        assertThat(env.path("SPRING_CLOUD_CONFIG_NAME").asText()).isEqualTo("shown");
        String server = url.substring("optional:configserver:".length());

        HttpResponse<String> environment = get(server + "/shown/prod");
        assertThat(environment.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(environment.body())).isEqualTo(JSON.readTree("""
                {"name": "shown", "profiles": ["prod"], "label": null, "version": "2", "state": null, "propertySources": [
                  {"name": "nubo:shown-prod@2", "source": {"greeting": "hi from prod"}},
                  {"name": "nubo:shown@2", "source": {"greeting": "hi"}},
                  {"name": "nubo:application@1", "source": {"shared": "yes"}}]}"""));
        assertThat(get(server + "/shown-prod.properties").body()).isEqualTo("greeting=hi from prod\nshared=yes\n");
        assertThat(get(server.replaceAll("/[^/]+$", "/forged") + "/shown/prod").statusCode()).isEqualTo(401);
        assertThat(ok(nubo.nubo("config", "status", "shown")).out()).containsPattern("shown-00001-\\w+ +2 +-\n");

        // An app without a refresh endpoint watches the same URL: what it resolves to now, and again at each change,
        // a change of the shared application included, with its secret references resolved for it (and only for it).
        try (EventStream events = EventStream.open(server + "/shown/prod", "");
             EventStream stored = EventStream.open(nubo.server().apiUrl() + "/v1/config/shown/watch", nubo.server().adminToken())) {
            assertThat(stored.next().path("version").asInt()).as("with the token: the versions, as stored").isEqualTo(2);
            JsonNode now = events.next();
            assertThat(now.path("version").asInt()).isEqualTo(2);
            assertThat(now.path("properties")).isEqualTo(JSON.readTree("{\"greeting\": \"hi from prod\", \"shared\": \"yes\"}"));
            ok(nubo.nubo("secret", "set", "db", "password=s3cret"));
            ok(nubo.nubo("config", "set", "application", "shared=no", "db.password={secret: db/password}"));
            JsonNode pushed = events.next();
            assertThat(pushed.path("sharedVersion").asInt()).isEqualTo(2);
            assertThat(pushed.path("properties")).isEqualTo(JSON.readTree(
                    "{\"greeting\": \"hi from prod\", \"shared\": \"no\", \"db.password\": \"s3cret\"}"));
            assertThat(stored.next().path("sharedVersion").asInt()).isEqualTo(2);
        }
        assertThat(ok(nubo.nubo("config", "get", "application")).out()).as("the token's views show the reference")
                .contains("db.password={secret: db/password}");

        assertThat(ok(nubo.nubo("config", "set", "shown", "greeting=hello", "--rollout")).out())
                .contains("shown version 3: set greeting\nrolling out shown-00002 with it");
        await().atMost(Duration.ofSeconds(60)).until(() -> nubo.get("shown", "/").body().contains("\"NUBO_REVISION\": \"shown-00002\""));
    }

    @Test
    void aSpringAppReadsItsConfigurationFromNuboAndReceivesAPushedChange() {
        ok(nubo.nubo("config", "set", "greeter", "greeting=hello"));
        ok(nubo.nubo("deploy", "--no-build", springApp("greeter").toString()));

        assertThat(nubo.get("greeter", "/").body()).isEqualTo("{\"greeting\":\"hello\"}");

        assertThat(ok(nubo.nubo("config", "set", "greeter", "greeting=bonjour")).out()).startsWith("greeter version 2: set greeting\n");
        await().atMost(SPRING).until(() -> nubo.get("greeter", "/").body().equals("{\"greeting\":\"bonjour\"}"));
        await().atMost(SPRING).untilAsserted(() -> assertThat(ok(nubo.nubo("config", "status", "greeter")).out())
                .containsPattern("greeter-00001-\\w+ +2 +v2 refreshed\n"));
        assertThat(nubo.nubo("config", "status", "greeter").out()).startsWith("greeter configuration version 2\n");
    }

    /**
     * The Spring app, deployable as {@code name}: its jar built by Maven into dist/target/config-client,
     * once, and again only when a file of its source is newer than the jar.
     */
    private static Path springApp(String name) {
        Path source = TestNubo.repository().resolve("dist/src/test/config-client");
        Path build = TestNubo.repository().resolve("dist/target/config-client");
        try {
            Path jar = build.resolve("target/app.jar");
            if (!Files.exists(jar) || newest(source).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                copy(source, build);
                ProcessBuilder maven = new ProcessBuilder("mvn", "-q", "-B", "package", "-DskipTests").directory(build.toFile())
                        .redirectErrorStream(true).redirectOutput(build.resolve("build.log").toFile());
                // As nubo deploy builds: a build of seconds spends much less CPU with the JIT's first tier only.
                maven.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
                Process mvn = maven.start();
                assertThat(mvn.waitFor(10, TimeUnit.MINUTES)).as("the Maven build of config-client ended").isTrue();
                assertThat(mvn.exitValue()).as(Files.readString(build.resolve("build.log"))).isZero();
            }
            Path app = TestNubo.app(apps, name, """
                    name: %s
                    runtime: process
                    command: [java, -XX:TieredStopAtLevel=1, -jar, app.jar]
                    memory: 512Mi
                    readiness:
                      http: /actuator/health
                      timeout: 120s
                    """.formatted(name), Map.of());
            Files.copy(jar, app.resolve("app.jar"), StandardCopyOption.REPLACE_EXISTING);
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static java.nio.file.attribute.FileTime newest(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> {
                try {
                    return Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(Comparable::compareTo).orElseThrow();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static HttpResponse<String> get(String url) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static TestNubo.CliResult ok(TestNubo.CliResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }
}
