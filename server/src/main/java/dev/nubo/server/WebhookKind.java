package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.sources.Webhook;
import dev.nubo.sources.WebhookConfig;
import dev.nubo.sources.WebhookSource;
import java.time.Instant;

/**
 * {@code "webhook": {"secret", "type"}}: an event per request to {@code POST /v1/webhooks/NAME}. The secret
 * is stored sealed (a {@link #credentials() credential}), never shown.
 */
record WebhookKind() implements SourceKind {

    /** A running webhook: the control API hands it the requests to its URL. */
    record Hook(WebhookSource source, String url) implements Running {
        @Override
        public void describe(ObjectNode node, ObjectNode status) {
            boolean signed = source.config().secret().isPresent();
            node.putObject("webhook").put("signed", signed).put("type", source.config().type().orElse(null))
                    .put("signature", signed ? Webhook.SIGNATURE_HEADER + ": sha256=<hex HMAC-SHA256 of the body>" : null);
            node.put("url", url);
            WebhookSource.Status st = source.status();
            status.put("state", "running").put("accepted", st.accepted())
                    .put("lastAccepted", st.lastAccepted().map(Instant::toString).orElse(null));
            SourceKind.lastError(status, st.lastError());
        }

        @Override
        public void stop() {}
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void validate(String source, Destination to, JsonNode settings) {
        config(source, to, settings);
    }

    private static WebhookConfig config(String source, Destination to, JsonNode settings) {
        return new WebhookConfig(source, SourceKind.text(settings, "secret"), SourceKind.text(settings, "type"), to);
    }

    @Override
    public Running start(String source, Destination to, JsonNode settings, Context context) {
        return new Hook(new WebhookSource(config(source, to, settings), context.sink(), context.clock()),
                context.urls().api() + "/v1/webhooks/" + source);
    }

    @Override
    public java.util.List<String> credentials() {
        return java.util.List.of("secret");
    }

    @Override
    public JsonNode shown(JsonNode settings) {
        ObjectNode shown = settings.deepCopy();
        shown.remove("secret");
        return shown;
    }
}
