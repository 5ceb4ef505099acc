package dev.nubo.sources;

import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a webhook request into a CloudEvent, after checking its signature. Works with GitHub's
 * webhooks as they are, and with any sender that signs the same way.
 *
 * <pre>{@code
 * Webhook.verify(config, request::header, body);          // throws UserError 401 when the signature is wrong
 * CloudEvent event = Webhook.toEvent(config, request::header, body);
 * }</pre>
 *
 * <p><b>Signatures.</b> With a secret configured, a request must carry
 * {@code X-Hub-Signature-256: sha256=HEX}, where HEX is the HMAC-SHA256 of the raw request body keyed
 * with the secret (UTF-8), as GitHub sends it. The hex digits may be upper or lower case (they are
 * compared as bytes, in constant time); the {@code sha256=} prefix is lower case. The SHA-1
 * {@code X-Hub-Signature} is not accepted. Without a secret, requests are not checked.
 *
 * <p><b>The event.</b> id: the {@code X-GitHub-Delivery} header, else a random UUID. type: the
 * configured type, else {@code com.github.EVENT} when the request has {@code X-GitHub-Event: EVENT}
 * (e.g. {@code com.github.push}), else {@value #DEFAULT_TYPE}. source: {@code /nubo/sources/NAME}.
 * datacontenttype: the request's {@code Content-Type}, else {@code application/octet-stream}. data:
 * the body, byte for byte.
 *
 * <p>{@code header} looks a request header up by name, case-insensitively, and returns null when the
 * request does not have it.
 */
public final class Webhook {

    public static final String DEFAULT_TYPE = "dev.nubo.webhook";
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private static final Pattern SIGNATURE = Pattern.compile("sha256=[0-9a-fA-F]{64}");
    private static final String HOW_TO_SIGN = "send X-Hub-Signature-256: sha256=<HMAC-SHA256 of the exact request body bytes, "
            + "keyed with the webhook's secret, in hex>, e.g. printf '%s' \"$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\"; "
            + "on GitHub, set the same Secret on the webhook";

    private Webhook() {}

    public static CloudEvent toEvent(WebhookConfig config, Function<String, String> header, byte[] body) {
        String delivery = present(header.apply("X-GitHub-Delivery"));
        String githubEvent = present(header.apply("X-GitHub-Event"));
        String contentType = present(header.apply("Content-Type"));
        String type = config.type().orElse(githubEvent != null ? "com.github." + githubEvent : DEFAULT_TYPE);
        return CloudEventBuilder.v1()
                .withId(delivery != null ? delivery : UUID.randomUUID().toString())
                .withSource(SourceName.uri(config.name()))
                .withType(type)
                .withData(contentType != null ? contentType : "application/octet-stream", body)
                .build();
    }

    /**
     * Checks the request's signature when {@code config} has a secret; does nothing otherwise.
     *
     * @throws UserError 401 {@code unauthorized} saying whether the signature header is missing,
     *     malformed, or does not match the body
     */
    public static void verify(WebhookConfig config, Function<String, String> header, byte[] body) {
        if (config.secret().isEmpty()) {
            return;
        }
        String given = present(header.apply(SIGNATURE_HEADER));
        if (given == null) {
            String sha1Only = present(header.apply("X-Hub-Signature")) != null
                    ? " (it has the SHA-1 X-Hub-Signature, which is not accepted)" : "";
            throw UserError.unauthorized("webhook " + config.name() + " requires signed requests, but the request has no "
                    + SIGNATURE_HEADER + " header" + sha1Only, HOW_TO_SIGN);
        }
        if (!SIGNATURE.matcher(given).matches()) {
            throw UserError.unauthorized("the " + SIGNATURE_HEADER + " header of the request to webhook " + config.name()
                    + " is malformed: expected sha256= and 64 hex digits, got '" + abbreviate(given) + "'", HOW_TO_SIGN);
        }
        byte[] expected = hmacSha256(config.secret().get(), body);
        byte[] received = HexFormat.of().parseHex(given, "sha256=".length(), given.length());
        if (!MessageDigest.isEqual(expected, received)) {
            throw UserError.unauthorized("the " + SIGNATURE_HEADER + " of the request to webhook " + config.name()
                    + " does not match its body: it was signed with another secret, or the body changed on the way", HOW_TO_SIGN);
        }
    }

    static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The header's value without surrounding blanks; null when absent or blank. */
    private static String present(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
