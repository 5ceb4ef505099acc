package dev.nubo.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a new version to a running Spring app through its standard refresh endpoint,
 * {@code POST /actuator/refresh}: the app then fetches its configuration again (the fetch records
 * which version it got) and rebinds its {@code @ConfigurationProperties} and {@code @RefreshScope}
 * beans. Each push runs on its own virtual thread, so a slow app delays nobody else; its outcome is
 * kept for {@code nubo config status}.
 */
final class Refresh {

    private static final Logger log = LoggerFactory.getLogger(Refresh.class);
    /** A refresh re-reads the configuration and rebinds beans: seconds on a loaded machine, not minutes. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    static final String PUSHING = "pushing";

    private final Deliveries deliveries;
    private final InstantSource clock;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(threads).build();

    Refresh(Deliveries deliveries, InstantSource clock) {
        this.deliveries = deliveries;
        this.clock = clock;
    }

    /** Records the push as {@code pushing} at once, so that status never shows an instance as untouched by a change it is being sent. */
    void push(RunningInstances.Running to, int version) {
        deliveries.pushed(to.id(), version, clock.instant(), PUSHING);
        threads.execute(() -> deliveries.pushed(to.id(), version, clock.instant(), outcome(to)));
    }

    private String outcome(RunningInstances.Running to) {
        String host = to.host().contains(":") ? "[" + to.host() + "]" : to.host();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + to.port() + "/actuator/refresh"))
                .timeout(TIMEOUT).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return "refreshed";
            }
            if (status == 404 || status == 405) {
                return "not refreshed: POST /actuator/refresh answered " + status
                        + "; expose it (management.endpoints.web.exposure.include=refresh) or use nubo config set --rollout";
            }
            return "not refreshed: POST /actuator/refresh answered " + status;
        } catch (java.io.IOException e) {
            log.debug("pushing to {} failed", to.id(), e);
            return "not refreshed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not refreshed: the server is stopping";
        }
    }

    void close() {
        threads.shutdownNow();
        http.close();
    }
}
