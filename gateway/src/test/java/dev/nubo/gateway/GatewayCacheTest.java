package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers the gateway keeps for a front door's caching operations, with a real instance and a manual clock. */
class GatewayCacheTest {

    private final Harness h = new Harness();
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    @BeforeEach
    void clock() {
        h.gateway.nanoClock = nanos::get;
        // The key is the path, as an API's front door would make it from what its operation names.
        h.gateway.frontDoor(head -> new FrontDoor.Forward("items", head.uri(), Map.of(), Map.of("access-control-allow-origin", "*"),
                List.of(), List.of(), new FrontDoor.Options(Optional.empty(),
                        Optional.of(new FrontDoor.Caching("shop " + head.uri(), Duration.ofSeconds(30))), Optional.empty())));
    }

    @AfterEach
    void close() {
        h.close();
    }

    private Harness.Instance counting(String id, String cacheControl) {
        AtomicLong n = new AtomicLong();
        return h.instance(id, req -> {
            if (cacheControl != null) {
                req.response().putHeader("cache-control", cacheControl);
            }
            req.response().putHeader("content-type", "text/plain").end(id + " answer " + n.incrementAndGet() + " for " + req.uri());
        });
    }

    @Test
    void aSecondGetIsAnsweredFromTheCacheWithAgeUntilTheTtlRunsOut() {
        Harness.Instance items = counting("items-1", null);
        h.route("items", List.of(), items);

        var first = h.get("shop.localhost", "/items/1");
        nanos.addAndGet(Duration.ofSeconds(12).toNanos());
        var second = h.get("shop.localhost", "/items/1");
        var other = h.get("shop.localhost", "/items/2");
        nanos.addAndGet(Duration.ofSeconds(18).toNanos());
        var expired = h.get("shop.localhost", "/items/1");

        assertThat(first.headers().firstValue("x-cache")).hasValue("miss");
        assertThat(second.body()).isEqualTo("items-1 answer 1 for /items/1");
        assertThat(second.headers().firstValue("x-cache")).hasValue("hit");
        assertThat(second.headers().firstValue("age")).hasValue("12");
        assertThat(second.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(second.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(second.headers().firstValue("x-request-id")).isNotEqualTo(first.headers().firstValue("x-request-id"));
        assertThat(other.body()).isEqualTo("items-1 answer 2 for /items/2");
        assertThat(expired.body()).isEqualTo("items-1 answer 3 for /items/1");
        assertThat(items.requests().get()).isEqualTo(3);
    }

    @Test
    void anAnswerSayingNoStoreOrPrivateIsNeverKept() {
        Harness.Instance items = counting("items-1", "private, max-age=60");
        h.route("items", List.of(), items);

        h.get("shop.localhost", "/items/1");
        var second = h.get("shop.localhost", "/items/1");

        assertThat(second.body()).isEqualTo("items-1 answer 2 for /items/1");
        assertThat(second.headers().firstValue("x-cache")).hasValue("miss");
    }

    @Test
    void anAnswersMaxAgeShorterThanTheTtlWins() {
        Harness.Instance items = counting("items-1", "public, max-age=5");
        h.route("items", List.of(), items);

        h.get("shop.localhost", "/items/1");
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        var fresh = h.get("shop.localhost", "/items/1");
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        var stale = h.get("shop.localhost", "/items/1");

        assertThat(fresh.headers().firstValue("x-cache")).hasValue("hit");
        assertThat(stale.body()).isEqualTo("items-1 answer 2 for /items/1");
    }

    @Test
    void aRedeployedServiceIsNotAnsweredFromWhatItsPredecessorSaid() {
        h.route("items", List.of(), counting("items-1", null));
        h.get("shop.localhost", "/items/1");

        h.route(ServiceRoute.single("items", "items-r2", Duration.ofSeconds(10), 1 << 20, List.of(),
                List.of(counting("items-2", null).endpoint())));
        var afterDeploy = h.get("shop.localhost", "/items/1");

        assertThat(afterDeploy.body()).isEqualTo("items-2 answer 1 for /items/1");
        assertThat(afterDeploy.headers().firstValue("x-cache")).hasValue("miss");
    }

    @Test
    void errorsAndPostsPassUncached() {
        AtomicLong n = new AtomicLong();
        h.route("items", List.of(), h.instance("items-1", req -> req.response().setStatusCode(500).end("oops " + n.incrementAndGet())));

        h.get("shop.localhost", "/items/1");
        var again = h.get("shop.localhost", "/items/1");
        var post = h.send(h.request("shop.localhost", "/items/1").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build());

        assertThat(again.body()).isEqualTo("oops 2");
        assertThat(post.body()).isEqualTo("oops 3");
        assertThat(post.headers().firstValue("x-cache")).isEmpty();
    }

    @Test
    void aHeadIsAnsweredFromAKeptGet() {
        Harness.Instance items = counting("items-1", null);
        h.route("items", List.of(), items);

        h.get("shop.localhost", "/items/1");
        var head = h.send(h.request("shop.localhost", "/items/1").method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("x-cache")).hasValue("hit");
        assertThat(head.headers().firstValue("content-length")).hasValue("29");
        assertThat(head.body()).isEmpty();
        assertThat(items.requests().get()).isEqualTo(1);
    }
}
