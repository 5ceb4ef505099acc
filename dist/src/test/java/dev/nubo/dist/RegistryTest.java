package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on the packaged server, against the real Spring Cloud Eureka client: every Nubo
 * service is listed with its ready instances, an unmodified Spring Cloud app finds the registry by
 * the environment Nubo gives it, registers, and calls another Spring app and a plain Nubo service by
 * name through Spring Cloud LoadBalancer; a redeploy of the callee loses none of the caller's calls;
 * what Nubo stops leaves the registry.
 */
class RegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;

    static TestNubo nubo;

    @BeforeAll
    static void start() {
        // Spring clients fetch the registry and cache it for 3 s, so a drain waits about 9 s, not 15. Not
        // shorter: without the wait the callee closes its port 0.7 to 1.2 s after it left the registry
        // (SIGTERM, then Spring's shutdown hook), and a caller whose caches let it go sooner than that
        // loses no call; the odds of that are d²/(2·refresh²): 27 % or more at 1 s, 3 to 8 % at 3 s.
        nubo = TestNubo.start(work.resolve("home"), "--registry-refresh", "3s");
    }

    @AfterAll
    static void stop() {
        nubo.close();
    }

    @Test
    void springCloudAppsRegisterAndCallEachOtherAndNuboServicesByName() throws Exception {
        // Kept at one instance: called directly by its registered address, it would otherwise idle to zero.
        Path hello = TestNubo.app(work, "hello", SampleApps.echoYaml("hello", "scale: {min: 1}\n"), Map.of("app.py", SampleApps.echo("v1")));
        ok(nubo.nubo("deploy", hello.toString()));
        Path greet = TestNubo.app(work, "greet", "name: greet\nruntime: python\nhandler: main.handler\nscale: {min: 1}\n",
                Map.of("main.py", Files.readString(TestNubo.example("hello-python-function").resolve("main.py"))));
        ok(nubo.nubo("deploy", greet.toString()));

        // A plain service, no Eureka client in it: listed under its name, UP, at its instance's port.
        JsonNode listed = eureka("/eureka/apps/HELLO").path("application").path("instance").get(0);
        JsonNode instance = JSON.readTree(nubo.api("/v1/services/hello").body()).path("revisions").get(0).path("instances").get(0);
        assertThat(listed.path("status").asText()).isEqualTo("UP");
        assertThat(listed.path("instanceId").asText()).isEqualTo(instance.path("id").asText());
        assertThat(listed.path("port").path("$").asInt()).isEqualTo(instance.path("port").asInt());

        // Two unmodified Spring Cloud apps; no Eureka setting in either: Nubo's environment points them at the registry.
        ok(nubo.nubo("deploy", SpringCloudApp.named(work, "callee").toString()));
        ok(nubo.nubo("deploy", SpringCloudApp.named(work, "caller").toString()));
        JsonNode callee = await("/eureka/apps/CALLEE", apps -> apps.path("application").path("instance").get(0)
                .path("metadata").has("management.port"));
        JsonNode registered = callee.path("application").path("instance").get(0);
        assertThat(registered.path("metadata").path("nubo.instance").asText()).as("tied to its Nubo instance").startsWith("callee-00001-");
        assertThat(registered.path("hostName").asText()).isEqualTo("127.0.0.1");
        assertThat(callee.path("application").path("instance")).as("the app's own registration replaces Nubo's entry").hasSize(1);

        assertThat(nubo.get("caller", "/call/callee").body()).isEqualTo("hello from callee");
        assertThat(nubo.get("caller", "/call/hello?path=/from-spring").body()).isEqualTo("hello says v1 at /from-spring");
        assertThat(nubo.get("caller", "/call/greet?path=/").body()).as("a Lambda-style function, by name").contains("Hello, world!");

        redeployingTheCalleeLosesNoneOfTheCallersCalls();

        // Nubo stops the callee: it leaves the registry with it, not after a lease expiry.
        ok(nubo.nubo("delete", "callee"));
        await("/eureka/apps", apps -> !apps.toString().contains("\"CALLEE\""));
        assertThat(HTTP.send(eurekaRequest("/eureka/apps/CALLEE"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    /**
     * Lossless offline: the caller calls the callee by name, 50 times a second, through Spring Cloud
     * LoadBalancer with the caches Nubo's environment bounds, and counts its own answers; meanwhile
     * Nubo replaces the callee's instance. The old one leaves the registry at once but serves on until
     * the caller's caches can have let go of it, so not one call fails.
     */
    private static void redeployingTheCalleeLosesNoneOfTheCallersCalls() throws Exception {
        String old = instanceIds("callee").get(0);
        ok(nubo.post("caller", "/calls/callee?path=/instance&perSecond=50", ""));
        awaitCalls(calls -> calls.path("answers").path(old).asLong() > 0);

        Path callee = work.resolve("callee");
        Files.writeString(callee.resolve("nubo.yaml"), Files.readString(callee.resolve("nubo.yaml")) + "env: {RELEASE: \"2\"}\n");
        ok(nubo.nubo("deploy", callee.toString()));
        String replacement = instanceIds("callee").stream().filter(id -> !id.equals(old)).findFirst().orElseThrow();
        awaitTrue("the old instance to stop", () -> !instanceIds("callee").contains(old));
        long answeredByNew = awaitCalls(calls -> calls.path("answers").path(replacement).asLong() > 0)
                .path("answers").path(replacement).asLong();
        awaitCalls(calls -> calls.path("answers").path(replacement).asLong() >= answeredByNew + 25);   // and on, after the stop

        HttpResponse<String> stopped = nubo.send("caller", "/calls", HttpRequest.newBuilder().DELETE(), Map.of());
        JsonNode calls = JSON.readTree(stopped.body());
        assertThat(calls.path("failed").asLong()).as("calls the caller saw fail: %s", calls).isZero();
        assertThat(calls.path("answers").properties()).extracting(Map.Entry::getKey).as("%s", calls).containsExactlyInAnyOrder(old, replacement);
        assertThat(calls.path("ok").asLong()).isGreaterThan(25);
    }

    /** The ids of the service's instances that are not stopped, oldest first. */
    private static java.util.List<String> instanceIds(String service) throws IOException {
        java.util.List<String> ids = new java.util.ArrayList<>();
        JSON.readTree(nubo.api("/v1/services/" + service).body()).path("revisions").forEach(r -> r.path("instances").forEach(i -> {
            if (!i.path("state").asText().equals("STOPPED") && !i.path("state").asText().equals("FAILED")) {
                ids.add(i.path("id").asText());
            }
        }));
        return ids;
    }

    /** The caller's own counts ({@code GET /calls} on it) once they satisfy {@code condition}. */
    private static JsonNode awaitCalls(Predicate<JsonNode> condition) throws Exception {
        JsonNode[] last = {null};
        awaitTrue("the caller's counts to move on", () -> {
            last[0] = JSON.readTree(nubo.get("caller", "/calls").body());
            return condition.test(last[0]);
        });
        return last[0];
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!check.holds()) {
            assertThat(Instant.now()).as("waiting for %s", what).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static TestNubo.CliResult ok(TestNubo.CliResult result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static JsonNode eureka(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(eurekaRequest(path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** As the Eureka client asks: JSON, no token. */
    private static HttpRequest eurekaRequest(String path) {
        return HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + path)).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).build();
    }

    /** The registry's answer at {@code path} once it satisfies {@code condition} (the Spring apps register as they start). */
    private static JsonNode await(String path, Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            HttpResponse<String> response = HTTP.send(eurekaRequest(path), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && condition.test(JSON.readTree(response.body()))) {
                return JSON.readTree(response.body());
            }
            assertThat(Instant.now()).as("waiting for %s to change; it is now %s", path, response.body()).isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
