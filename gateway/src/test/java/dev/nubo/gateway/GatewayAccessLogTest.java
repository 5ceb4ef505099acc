package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayAccessLogTest {

    private final Harness h = new Harness();
    private final BlockingQueue<AccessLog.Entry> entries = new LinkedBlockingQueue<>();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void recordsAnExchangeWithItsRevisionStatusBytesRequestIdAndClient() throws InterruptedException {
        h.gateway.accessLog(entries::add);
        h.route("hello", List.of(), h.instance("hello-1", req -> req.body().onSuccess(b -> req.response().end("got " + b))));

        h.send(h.request("hello.localhost", "/echo?token=secret").header("X-Request-Id", "req-42")
                .POST(HttpRequest.BodyPublishers.ofString("abc")).build());

        AccessLog.Entry e = next();
        assertThat(e.service()).isEqualTo("hello");
        assertThat(e.revision()).isEqualTo("hello-r1");
        assertThat(e.method()).isEqualTo("POST");
        assertThat(e.path()).isEqualTo("/echo");  // the query stays out of the log
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.bytesIn()).isEqualTo(3);
        assertThat(e.bytesOut()).isEqualTo("got abc".length());
        assertThat(e.requestId()).isEqualTo("req-42");
        assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(e.nanos()).isPositive();
        assertThat(e.endMillis()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void recordsAnswersTheGatewayMadeUpForAServiceButNotRequestsNoServiceAnswers() throws InterruptedException {
        h.gateway.accessLog(entries::add);
        h.route(ServiceRoute.single("empty", List.of(),
                new RevisionRoute("empty-r1", Duration.ofSeconds(30), 1024, 0, 0, Duration.ofSeconds(30), List.of())));

        assertThat(h.get("ghost.localhost", "/nowhere").statusCode()).isEqualTo(404);
        assertThat(h.get("empty.localhost", "/x").statusCode()).isEqualTo(503);

        AccessLog.Entry e = next();
        assertThat(e.service()).isEqualTo("empty");
        assertThat(e.revision()).isEqualTo("empty-r1");
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.path()).isEqualTo("/x");
        assertThat(entries).isEmpty();  // the 404 ended before the 503 was sent, and made no entry
    }

    @Test
    void recordsARequestTheServicesLimitsRefusedWithoutARevision() throws InterruptedException {
        long frozen = System.nanoTime();
        h.gateway.nanoClock = () -> frozen;  // no token refills
        h.gateway.accessLog(entries::add);
        Harness.Instance instance = h.instance("hello-1", req -> req.response().end("ok"));
        h.route(ServiceRoute.single("hello", List.of(), RevisionRoute.of("hello-r1", Duration.ofSeconds(10), 1 << 20,
                List.of(instance.endpoint()))).withLimits(new dev.nubo.model.Descriptor.Limits(1, 1, false, 0)));

        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(200);
        assertThat(h.get("hello.localhost", "/").statusCode()).isEqualTo(429);

        assertThat(next().status()).isEqualTo(200);
        AccessLog.Entry refused = next();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.service()).isEqualTo("hello");
        assertThat(refused.revision()).isEqualTo("-");
    }

    private AccessLog.Entry next() throws InterruptedException {
        AccessLog.Entry e = entries.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("an access log entry").isNotNull();
        return e;
    }
}
