package dev.nubo.sources;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WebhookTest {

    /** The example in GitHub's "Validating webhook deliveries". */
    private static final String GITHUB_SECRET = "It's a Secret to Everybody";
    private static final byte[] GITHUB_PAYLOAD = "Hello, World!".getBytes(UTF_8);
    private static final String GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static final Destination BROKER = Destination.parse("broker:default");
    private static final WebhookConfig SIGNED = new WebhookConfig("github", Optional.of(GITHUB_SECRET), Optional.empty(), BROKER);
    private static final WebhookConfig OPEN = new WebhookConfig("hook", Optional.empty(), Optional.empty(), BROKER);

    /** Looks headers up case-insensitively, as a server does. */
    private static Function<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map::get;
    }

    private static UserError rejected(Function<String, String> headers, byte[] body) {
        try {
            Webhook.verify(SIGNED, headers, body);
        } catch (UserError e) {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("unauthorized");
            assertThat(e.hint()).contains("HMAC-SHA256", "X-Hub-Signature-256: sha256=", "openssl dgst -sha256 -hmac");
            return e;
        }
        throw new AssertionError("the request was accepted");
    }

    @Test
    void computesGitHubsDocumentedExampleSignature() {
        assertThat("sha256=" + HexFormat.of().formatHex(Webhook.hmacSha256(GITHUB_SECRET, GITHUB_PAYLOAD))).isEqualTo(GITHUB_SIGNATURE);
    }

    @Test
    void acceptsARequestSignedAsGitHubSignsIt() {
        assertThatCode(() -> Webhook.verify(SIGNED, headers("x-hub-signature-256", GITHUB_SIGNATURE), GITHUB_PAYLOAD))
                .doesNotThrowAnyException();
    }

    @Test
    void acceptsUpperCaseHexDigits() {
        String upper = "sha256=" + GITHUB_SIGNATURE.substring("sha256=".length()).toUpperCase(Locale.ROOT);
        assertThatCode(() -> Webhook.verify(SIGNED, headers("X-Hub-Signature-256", upper), GITHUB_PAYLOAD)).doesNotThrowAnyException();
    }

    @Test
    void rejectsARequestWithoutTheSignatureHeader() {
        assertThat(rejected(headers(), GITHUB_PAYLOAD)).hasMessage(
                "webhook github requires signed requests, but the request has no X-Hub-Signature-256 header");
        assertThat(rejected(headers("X-Hub-Signature", "sha1=0123"), GITHUB_PAYLOAD)).hasMessage(
                "webhook github requires signed requests, but the request has no X-Hub-Signature-256 header"
                        + " (it has the SHA-1 X-Hub-Signature, which is not accepted)");
    }

    @Test
    void rejectsAMalformedSignatureSayingWhatWasExpected() {
        for (String malformed : new String[] {"757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                "sha1=757107ea0eb2509fc211221cce984b8a37570b6d", "sha256=757107ea", "sha256=" + "g".repeat(64),
                "SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", GITHUB_SIGNATURE + "00"}) {
            assertThat(rejected(headers("X-Hub-Signature-256", malformed), GITHUB_PAYLOAD)).as(malformed).hasMessage(
                    "the X-Hub-Signature-256 header of the request to webhook github is malformed: expected sha256= and 64 hex digits, got '"
                            + malformed + "'");
        }
        assertThat(rejected(headers("X-Hub-Signature-256", "sha256=" + "a".repeat(200)), GITHUB_PAYLOAD).getMessage())
                .endsWith("got 'sha256=" + "a".repeat(70) + "...'");
    }

    @Test
    void rejectsASignatureThatDoesNotMatchWithoutShowingTheExpectedOne() {
        String expectedHex = GITHUB_SIGNATURE.substring("sha256=".length());
        UserError changedBody = rejected(headers("X-Hub-Signature-256", GITHUB_SIGNATURE), "Hello, World?".getBytes(UTF_8));
        UserError otherSecret = rejected(headers("X-Hub-Signature-256", "sha256="
                + HexFormat.of().formatHex(Webhook.hmacSha256("another secret", GITHUB_PAYLOAD))), GITHUB_PAYLOAD);

        for (UserError e : new UserError[] {changedBody, otherSecret}) {
            assertThat(e).hasMessage("the X-Hub-Signature-256 of the request to webhook github does not match its body: "
                    + "it was signed with another secret, or the body changed on the way");
            assertThat(e.getMessage() + e.hint()).doesNotContain(expectedHex);
        }
    }

    @Test
    void checksNothingWithoutASecret() {
        assertThatCode(() -> Webhook.verify(OPEN, headers(), "anything".getBytes(UTF_8))).doesNotThrowAnyException();
        assertThatCode(() -> Webhook.verify(OPEN, headers("X-Hub-Signature-256", "nonsense"), new byte[0])).doesNotThrowAnyException();
    }

    @Test
    void aGitHubDeliveryBecomesAnEventOfItsKind() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(UTF_8);
        CloudEvent event = Webhook.toEvent(SIGNED, headers("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                "X-GitHub-Event", "push", "content-type", "application/json"), body);

        assertThat(event.getId()).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(event.getType()).isEqualTo("com.github.push");
        assertThat(event.getSource()).isEqualTo(URI.create("/nubo/sources/github"));
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getData().toBytes()).isEqualTo(body);
    }

    @Test
    void aPlainRequestGetsARandomIdTheDefaultTypeAndOctetStream() {
        byte[] body = {0, 1, 2, (byte) 0xff};
        CloudEvent event = Webhook.toEvent(OPEN, headers(), body);
        CloudEvent another = Webhook.toEvent(OPEN, headers(), body);

        assertThat(UUID.fromString(event.getId())).isNotNull();
        assertThat(event.getId()).isNotEqualTo(another.getId());
        assertThat(event.getType()).isEqualTo("dev.nubo.webhook");
        assertThat(event.getSource()).isEqualTo(URI.create("/nubo/sources/hook"));
        assertThat(event.getDataContentType()).isEqualTo("application/octet-stream");
        assertThat(event.getData().toBytes()).isEqualTo(body);
    }

    @Test
    void theConfiguredTypeWinsOverTheGitHubEvent() {
        WebhookConfig typed = new WebhookConfig("orders", Optional.empty(), Optional.of("com.example.order"), BROKER);
        CloudEvent event = Webhook.toEvent(typed, headers("X-GitHub-Event", "push", "Content-Type", "text/plain; charset=utf-8"),
                "x".getBytes(UTF_8));
        assertThat(event.getType()).isEqualTo("com.example.order");
        assertThat(event.getDataContentType()).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void theConfigNeverShowsTheSecretAndRefusesEmptyOnes() {
        assertThat(SIGNED.toString()).doesNotContain(GITHUB_SECRET).contains("secret=(set)");
        assertThatThrownBy(() -> new WebhookConfig("github", Optional.of(""), Optional.empty(), BROKER))
                .isInstanceOf(UserError.class).hasMessage("the secret of webhook github is empty");
        assertThatThrownBy(() -> new WebhookConfig("GitHub", Optional.empty(), Optional.empty(), BROKER))
                .isInstanceOf(UserError.class).hasMessage("'GitHub' is not a valid webhook source name");
    }
}
