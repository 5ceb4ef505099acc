package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayFrontDoorTest {

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void forwardsWhereTheFrontDoorSaysWithItsHeadersBothWays() {
        h.route("orders", List.of(), h.instance("orders-1", req -> req.response().putHeader("x-powered-by", "vert.x")
                .end(req.uri() + " stage=" + req.getHeader("nubo-stage") + " auth=" + req.getHeader("nubo-authorizer") + " cookie=" + req.getHeader("cookie"))));
        h.gateway.frontDoor(head -> head.host().startsWith("shop.")
                ? new FrontDoor.Forward("orders", "/v1" + head.uri(), Map.of("nubo-stage", "prod"), Map.of("access-control-allow-origin", "*"),
                        List.of("cookie"), List.of("x-powered-by"))
                : FrontDoor.PASS);

        var response = h.send(h.request("shop.localhost", "/orders/7?x=1").header("Nubo-Authorizer", "forged").header("Cookie", "a=1").build());

        assertThat(response.body()).isEqualTo("/v1/orders/7?x=1 stage=prod auth=null cookie=null");
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(response.headers().firstValue("x-powered-by")).isEmpty();
    }

    @Test
    void answersForTheFrontDoorWithoutBotheringAnInstance() {
        Harness.Instance orders = h.instance("orders-1", req -> req.response().end("from the instance"));
        h.route("orders", List.of(), orders);
        h.gateway.frontDoor(head -> new FrontDoor.Answer(429, Map.of("retry-after", "3", "content-type", "application/json"),
                ("{\"error\":{\"requestId\":\"" + head.requestId() + "\"}}").getBytes(StandardCharsets.UTF_8)));

        var response = h.get("orders.localhost", "/");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        assertThat(response.body()).contains(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(orders.requests().get()).isZero();
    }

    @Test
    void asksTheFrontDoorOncePerRequestAndDropsForgedContextOnPlainRoutes() {
        h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("api=" + req.getHeader("nubo-api"))));
        AtomicInteger asked = new AtomicInteger();
        h.gateway.frontDoor(head -> {
            asked.incrementAndGet();
            return FrontDoor.PASS;
        });

        var response = h.send(h.request("hello.localhost", "/").header("Nubo-Api", "forged").build());

        assertThat(response.body()).isEqualTo("api=null");
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void aRequestTheFrontDoorDecidesLaterWaitsAndIsAskedAgain() throws Exception {
        h.route("orders", List.of(), h.instance("orders-1", req -> req.response().end("user=" + req.getHeader("x-user"))));
        java.util.concurrent.CompletableFuture<Void> decided = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        h.gateway.frontDoor(head -> {
            if (!decided.isDone()) {
                asked.countDown();
                return new FrontDoor.Later(decided);
            }
            return new FrontDoor.Forward("orders", head.uri(), Map.of("x-user", "ada"), Map.of());
        });

        var response = h.http.sendAsync(h.request("shop.localhost", "/").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(asked.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        decided.complete(null);

        assertThat(response.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("user=ada");
    }

    @Test
    void answers503WhenTheFrontDoorForwardsToAServiceThatIsNotRouted() {
        h.gateway.frontDoor(head -> new FrontDoor.Forward("missing", "/", Map.of(), Map.of()));

        var response = h.get("shop.localhost", "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Harness.error(response).path("code").asText()).isEqualTo("service.unavailable");
    }

    @Test
    void aGuardDropsTheCallersCredentialAndSetsWhoCalledAfterTheFrontDoor() {
        h.route("inner", List.of(), h.instance("inner-1", req -> req.response().end("authorization=" + req.getHeader("authorization")
                + " auth=" + req.getHeader("nubo-authorizer") + " stage=" + req.getHeader("nubo-stage"))));
        h.gateway.frontDoor(head -> new FrontDoor.Forward("inner", head.uri(), Map.of("nubo-stage", "prod", "nubo-authorizer", "api"), Map.of()));
        h.gateway.guard((service, head) -> "Bearer ok".equals(head.header("authorization"))
                ? new ServiceGuard.Let(List.of("authorization"), Map.of("nubo-authorizer", "{\"token\":\"ci\"}"))
                : new ServiceGuard.Refuse(new FrontDoor.Answer(401, Map.of(), "no".getBytes(StandardCharsets.UTF_8))));

        var let = h.send(h.request("inner.localhost", "/").header("Authorization", "Bearer ok").header("Nubo-Authorizer", "forged").build());
        var refused = h.send(h.request("inner.localhost", "/").header("Authorization", "Bearer nope").build());

        assertThat(let.body()).isEqualTo("authorization=null auth={\"token\":\"ci\"} stage=prod");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo("no");
    }
}
