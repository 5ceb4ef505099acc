package dev.nubo.sources;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import java.util.Objects;
import java.util.Optional;

/**
 * A webhook as declared: its name (the events' {@code source} is {@code /nubo/sources/NAME}), the
 * shared secret that requests must be signed with (none: requests are not checked), the event type
 * to give every request (none: derived from the request, see {@link Webhook#toEvent}), and where the
 * events go. {@link #toString()} does not show the secret.
 */
public record WebhookConfig(String name, Optional<String> secret, Optional<String> type, Destination to) {

    /** @throws UserError 400 {@code source.invalid} for a bad name, or an empty secret or type */
    public WebhookConfig {
        SourceName.check(name, "webhook");
        Objects.requireNonNull(to, "to");
        if (secret.isPresent() && secret.get().isEmpty()) {
            throw UserError.badRequest("source.invalid", "the secret of webhook " + name + " is empty",
                    "give the secret the sender signs with (GitHub: the webhook's Secret), or leave it out to accept unsigned requests");
        }
        if (type.isPresent() && type.get().isBlank()) {
            throw UserError.badRequest("source.invalid", "the event type of webhook " + name + " is empty",
                    "give a type such as com.example.order.created, or leave it out to take it from the request");
        }
    }

    @Override
    public String toString() {
        return "WebhookConfig[name=" + name + ", secret=" + secret.map(s -> "(set)").orElse("(none)")
                + ", type=" + type.orElse("(from the request)") + ", to=" + to + "]";
    }
}
