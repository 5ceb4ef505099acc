package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A front door's look at the whole body, and its per-request timeout, through a real gateway to real instances. */
class GatewayBodyCheckTest {

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    /** Refuses a body that does not contain "ok"; reads at most 64 KiB. */
    private static final FrontDoor.BodyCheck CONTAINS_OK = new FrontDoor.BodyCheck() {
        @Override
        public int maxBytes() {
            return 64 * 1024;
        }

        @Override
        public Optional<FrontDoor.Answer> check(FrontDoor.Head head, byte[] body) {
            return new String(body, StandardCharsets.UTF_8).contains("ok") ? Optional.empty()
                    : Optional.of(new FrontDoor.Answer(400, Map.of("content-type", "application/json"),
                            ("{\"error\":{\"message\":\"no ok in " + body.length + " bytes\"}}").getBytes(StandardCharsets.UTF_8)));
        }
    };

    private void frontDoor(FrontDoor.Options options) {
        h.gateway.frontDoor(head -> new FrontDoor.Forward("echo", head.uri(), Map.of(), Map.of(), List.of(), List.of(), options));
    }

    private Harness.Instance echo() {
        return h.instance("echo-1", req -> req.body().onSuccess(b -> req.response().end("got " + b.length() + ": " + b)));
    }

    @Test
    void aBodyThatPassesTheCheckReachesTheInstanceWhole() {
        Harness.Instance echo = echo();
        h.route("echo", List.of(), echo);
        frontDoor(new FrontDoor.Options(Optional.of(CONTAINS_OK), Optional.empty(), Optional.empty()));
        String body = "x".repeat(40_000) + "ok";

        var response = h.send(h.request("shop.localhost", "/orders").POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("got 40002: " + body);
    }

    @Test
    void aBodyTheCheckRefusesIsAnsweredWithoutReachingTheInstance() {
        Harness.Instance echo = echo();
        h.route("echo", List.of(), echo);
        frontDoor(new FrontDoor.Options(Optional.of(CONTAINS_OK), Optional.empty(), Optional.empty()));

        var response = h.send(h.request("shop.localhost", "/orders").POST(HttpRequest.BodyPublishers.ofString("nope")).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Harness.error(response).path("message").asText()).isEqualTo("no ok in 4 bytes");
        assertThat(echo.requests().get()).isZero();
    }

    @Test
    void aBodyLargerThanTheCheckReadsIsRefusedWith413() {
        Harness.Instance echo = echo();
        h.route("echo", List.of(), echo);
        frontDoor(new FrontDoor.Options(Optional.of(CONTAINS_OK), Optional.empty(), Optional.empty()));

        var response = h.send(h.request("shop.localhost", "/orders").POST(HttpRequest.BodyPublishers.ofString("ok" + "x".repeat(100_000))).build());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Harness.error(response).path("message").asText()).isEqualTo("a request body checked against the API's schema may be at most 64Ki");
        assertThat(echo.requests().get()).isZero();
    }

    @Test
    void theFrontDoorsTimeoutReplacesTheRevisionsForItsRequests() {
        h.route("echo", List.of(), h.instance("echo-1", req -> {}));  // never answers; the revision waits 10 s
        frontDoor(new FrontDoor.Options(Optional.empty(), Optional.empty(), Optional.of(Duration.ofMillis(300))));

        var response = h.get("shop.localhost", "/slow");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(Harness.error(response).path("message").asText()).contains("300ms");
    }
}
