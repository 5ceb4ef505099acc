package dev.nubo.sources;

import dev.nubo.eventsink.EventSink;
import dev.nubo.eventsink.Failure;
import dev.nubo.model.NuboException;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A webhook at work: checks each request ({@link Webhook#verify}), turns it into a CloudEvent and hands
 * it to the sink, and remembers how the last request fared, so that {@code nubo source describe} can
 * say why a sender's requests fail.
 *
 * <pre>{@code
 * WebhookSource hook = new WebhookSource(config, eventing.sink("source:gh"), InstantSource.system());
 * hook.receive(request::getHeader, body).whenComplete(...);   // the event id once stored: answer 202
 * hook.status();                                              // 12 accepted, last at …, no error
 * }</pre>
 *
 * <p>Every failure is recorded with its time and logged, whatever throws it (an {@link Error} too,
 * such as a class missing from the distribution): a refused signature at debug level, since anyone
 * may send one; anything else as a warning with its stack trace.
 */
public final class WebhookSource {

    private static final Logger log = LoggerFactory.getLogger(WebhookSource.class);

    /**
     * @param accepted requests whose event was stored, since the server started
     * @param lastAccepted when the last of them was
     * @param lastError why the last failed request failed, and when; empty once a later one is stored
     */
    public record Status(long accepted, Optional<Instant> lastAccepted, Optional<Failure> lastError) {}

    private final WebhookConfig config;
    private final EventSink sink;
    private final InstantSource clock;
    private Status status = new Status(0, Optional.empty(), Optional.empty()); // guarded by this

    public WebhookSource(WebhookConfig config, EventSink sink, InstantSource clock) {
        this.config = config;
        this.sink = sink;
        this.clock = clock;
    }

    public WebhookConfig config() {
        return config;
    }

    public synchronized Status status() {
        return status;
    }

    /**
     * Checks and stores one request.
     *
     * @param header looks a request header up by name, case-insensitively; null when absent
     * @return completes with the event's id once it is stored; fails with the {@link UserError} of a
     *     refused signature, the sink's own error (an unknown broker, a full disk), or for anything else
     *     a {@link PlatformFault} {@code platform.source} naming the webhook and the cause
     */
    public CompletableFuture<String> receive(Function<String, String> header, byte[] body) {
        CloudEvent event;
        CompletableFuture<Void> stored;
        try {
            Webhook.verify(config, header, body);
            event = Webhook.toEvent(config, header, body);
            stored = sink.publish(config.to(), List.of(event));
        } catch (UserError refused) {
            log.debug("webhook {}: refused a request: {}", config.name(), refused.getMessage());
            failed(Failure.of(clock.instant(), "refused a request", refused));
            return CompletableFuture.failedFuture(refused);
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(failed(e));
        }
        return stored.handle((ok, error) -> {
            if (error != null) {
                throw new java.util.concurrent.CompletionException(failed(error));
            }
            accepted();
            return event.getId();
        });
    }

    /** Records and logs {@code e}; returns what the sender should hear. */
    private Throwable failed(Throwable e) {
        Failure failure = Failure.of(clock.instant(), "storing a request's event in " + config.to() + " failed", e);
        log.warn("webhook {}: {}", config.name(), failure.message(), e);
        failed(failure);
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof NuboException ? cause
                : new PlatformFault("platform.source", "webhook " + config.name() + ": " + failure.message(), cause);
    }

    private synchronized void failed(Failure failure) {
        status = new Status(status.accepted(), status.lastAccepted(), Optional.of(failure));
    }

    private synchronized void accepted() {
        status = new Status(status.accepted() + 1, Optional.of(clock.instant()), Optional.empty());
    }
}
