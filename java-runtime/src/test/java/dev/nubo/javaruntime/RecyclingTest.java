package dev.nubo.javaruntime;

import static dev.nubo.javaruntime.HostProcess.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invocations past their deadline: interrupted, and the host replaced when one will not stop. */
class RecyclingTest {

    private static final Map<String, String> SHORT = Map.of("NUBO_TIMEOUT_MS", "300", "NUBO_RECYCLE_GRACE_MS", "200");

    @Test
    void exitsWithStatus3WhenAnInvocationIgnoresItsDeadline() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Spinner.class, SHORT)) {
            long start = System.nanoTime();
            CLIENT.sendAsync(HttpRequest.newBuilder(host.uri("/")).header("X-Request-Id", "req-spin")
                    .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());

            assertThat(host.awaitExit()).isEqualTo(3);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to exit").isBetween(500L, 5_000L);
            assertThat(host.stderr().lines())
                    .contains("[req-spin] nubo: still running at its 300 ms timeout; interrupting it")
                    .anyMatch(line -> line.matches("nubo: invocation req-spin still running \\d{3,4} ms after its 300 ms"
                            + " timeout; exiting so that Nubo replaces this instance"));
        }
    }

    @Test
    void interruptsAtTheDeadlineAndKeepsServingWhenTheInvocationStops() throws Exception {
        try (HostProcess host = HostProcess.serve(SampleHandlers.Patient.class, SHORT)) {
            long start = System.nanoTime();
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/"))
                    .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("\"interrupted\"");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to answer").isBetween(250L, 3_000L);
            Thread.sleep(500);
            assertThat(host.isAlive()).as("still alive past deadline + grace").isTrue();
            assertThat(CLIENT.send(HttpRequest.newBuilder(host.uri("/")).POST(BodyPublishers.ofString("{}")).build(),
                    BodyHandlers.ofString()).body()).isEqualTo("\"interrupted\"");
            assertThat(host.stderr()).doesNotContain("exiting so that Nubo replaces this instance");
        }
    }
}
