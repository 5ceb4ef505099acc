package dev.nubo.sources;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.EventSink;
import dev.nubo.eventsink.Failure;
import dev.nubo.eventsink.LogCapture;
import dev.nubo.model.NuboException;
import dev.nubo.model.PlatformFault;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A webhook's requests and what its status says about them, failures of every kind included. */
class WebhookSourceTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Destination BROKER = Destination.parse("broker:default");
    private static final String LINKAGE = "io/cloudevents/jackson/JsonFormat";

    private static WebhookSource hook(Optional<String> secret, EventSink sink) {
        return new WebhookSource(new WebhookConfig("gh", secret, Optional.empty(), BROKER), sink, InstantSource.fixed(NOW));
    }

    private static Throwable failure(CompletableFuture<String> f) {
        try {
            f.join();
            throw new AssertionError("the request was accepted");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aStoredRequestAnswersWithItsEventIdAndIsCounted() {
        WebhookSource hook = hook(Optional.empty(), (to, events) -> CompletableFuture.completedFuture(null));

        String id = hook.receive(name -> name.equals("X-GitHub-Delivery") ? "d-1" : null, "{}".getBytes(UTF_8)).join();

        assertThat(id).isEqualTo("d-1");
        assertThat(hook.status()).isEqualTo(new WebhookSource.Status(1, Optional.of(NOW), Optional.empty()));
    }

    @Test
    void aSinkThatThrowsAnErrorIsAPlatformFaultNamingTheWebhookAndIsRecordedAndLogged() {
        WebhookSource hook = hook(Optional.empty(), (to, events) -> {
            throw new NoClassDefFoundError(LINKAGE);
        });

        try (LogCapture log = LogCapture.of(WebhookSource.class)) {
            Throwable answer = failure(hook.receive(name -> null, "{}".getBytes(UTF_8)));

            assertThat(answer).isInstanceOf(PlatformFault.class).hasMessage("webhook gh: storing a request's event in broker:default"
                    + " failed: NoClassDefFoundError: " + LINKAGE).hasCauseInstanceOf(NoClassDefFoundError.class);
            assertThat(hook.status().lastError()).contains(new Failure(NOW, "storing a request's event in broker:default failed:"
                    + " NoClassDefFoundError: " + LINKAGE));
            assertThat(log.lines()).containsExactly("WARN webhook gh: storing a request's event in broker:default failed:"
                    + " NoClassDefFoundError: " + LINKAGE + " [java.lang.NoClassDefFoundError: " + LINKAGE + "]");
        }
    }

    @Test
    void aStorageFailureReachesTheSenderAsItIsAndTheNextStoredRequestClearsIt() {
        boolean[] full = {true};
        WebhookSource hook = hook(Optional.empty(), (to, events) -> full[0]
                ? CompletableFuture.failedFuture(PlatformFault.diskFull("the event log's disk is full", "free space", null))
                : CompletableFuture.completedFuture(null));

        Throwable answer = failure(hook.receive(name -> null, new byte[0]));
        assertThat(((NuboException) answer).httpStatus()).isEqualTo(507);
        assertThat(hook.status().lastError().map(Failure::message))
                .contains("storing a request's event in broker:default failed: the event log's disk is full");

        full[0] = false;
        hook.receive(name -> null, new byte[0]).join();
        assertThat(hook.status().lastError()).isEmpty();
        assertThat(hook.status().accepted()).isEqualTo(1);
    }

    @Test
    void aRefusedSignatureIsTheSendersErrorAndShowsInTheStatus() {
        WebhookSource hook = hook(Optional.of("s3cret"), (to, events) -> {
            throw new AssertionError("nothing is stored for an unsigned request");
        });

        Throwable answer = failure(hook.receive(name -> null, new byte[0]));

        assertThat(((NuboException) answer).httpStatus()).isEqualTo(401);
        assertThat(hook.status().lastError().map(Failure::message)).contains("refused a request: webhook gh requires signed requests,"
                + " but the request has no X-Hub-Signature-256 header");
    }
}
