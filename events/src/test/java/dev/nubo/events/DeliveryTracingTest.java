package dev.nubo.events;

import static dev.nubo.events.Fixtures.event;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each delivery attempt is told to the tracer, and its span is sent on in the request's traceparent. */
class DeliveryTracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @RegisterExtension
    final Harness harness = new Harness();
    final BlockingQueue<DeliveryAttempt> attempts = new LinkedBlockingQueue<>();

    private Eventing open() {
        Eventing eventing = harness.open(InstantSource.system());
        eventing.tracer(attempts::add);
        return eventing;
    }

    private DeliveryAttempt nextAttempt() throws InterruptedException {
        DeliveryAttempt a = attempts.poll(30, TimeUnit.SECONDS);
        assertThat(a).as("an attempt was traced within 30 s").isNotNull();
        return a;
    }

    @Test
    void eachAttemptOfAnEventIsASpanContinuingTheEventsTraceparent() throws Exception {
        Eventing eventing = open();
        AtomicInteger calls = new AtomicInteger();
        harness.target.answer = r -> calls.incrementAndGet() == 1 ? TargetServer.Answer.status(503) : TargetServer.Answer.ok();
        eventing.createTrigger(trigger("{'name':'orders','broker':'default','to':'orders','delivery':{'attempts':2,'backoff':'100ms'}}"));
        eventing.ingest("default", List.of(CloudEventBuilder.v1(event("a1", "order.created"))
                .withExtension("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01").build())).get(5, TimeUnit.SECONDS);

        TargetServer.Received firstSent = harness.target.next();
        DeliveryAttempt first = nextAttempt();
        TargetServer.Received secondSent = harness.target.next();
        DeliveryAttempt second = nextAttempt();

        assertThat(List.of(first.traceId(), second.traceId())).containsOnly(TRACE);
        assertThat(List.of(first.parentSpanId(), second.parentSpanId())).containsOnly(Optional.of("00f067aa0ba902b7"));
        assertThat(first.spanId()).isNotEqualTo(second.spanId());
        assertThat(firstSent.header("traceparent")).isEqualTo("00-" + TRACE + "-" + first.spanId() + "-01");
        assertThat(secondSent.header("traceparent")).isEqualTo("00-" + TRACE + "-" + second.spanId() + "-01");
        assertThat(first).extracting(DeliveryAttempt::kind, DeliveryAttempt::origin, DeliveryAttempt::broker, DeliveryAttempt::eventId,
                DeliveryAttempt::target, DeliveryAttempt::attempt, DeliveryAttempt::outcome, DeliveryAttempt::status)
                .containsExactly("event", "trigger:orders", "default", "a1", "orders", 1, "retrying", 503);
        assertThat(second).extracting(DeliveryAttempt::attempt, DeliveryAttempt::outcome, DeliveryAttempt::status, DeliveryAttempt::failed)
                .containsExactly(2, "delivered", 202, false);
        assertThat(second.end()).isAfterOrEqualTo(second.start());
    }

    @Test
    void anAsyncInvocationWithoutATraceparentStartsATraceOfItsOwn() throws Exception {
        Eventing eventing = open();
        String id = eventing.invocations().invoke("fn", "/run", List.of(Map.entry("Content-Type", "application/json")),
                "{}".getBytes(StandardCharsets.UTF_8), new AsyncOptions(1, Duration.ofSeconds(5), Optional.empty(), Optional.empty()))
                .get(5, TimeUnit.SECONDS);

        TargetServer.Received sent = harness.target.next();
        DeliveryAttempt a = nextAttempt();

        assertThat(a.traceId()).matches("[0-9a-f]{32}");
        assertThat(a.parentSpanId()).isEmpty();
        assertThat(sent.header("traceparent")).isEqualTo("00-" + a.traceId() + "-" + a.spanId() + "-01");
        assertThat(a).extracting(DeliveryAttempt::kind, DeliveryAttempt::origin, DeliveryAttempt::broker, DeliveryAttempt::eventId,
                DeliveryAttempt::target, DeliveryAttempt::outcome).containsExactly("invocation", "invocation:" + id, "", "", "fn", "delivered");
    }

    @Test
    void anEventWhoseTraceparentIsNotSampledMakesNoSpanAndPassesItOnUnchanged() throws Exception {
        Eventing eventing = open();
        eventing.createTrigger(trigger("{'name':'orders','broker':'default','to':'orders'}"));
        String unsampled = "00-" + TRACE + "-00f067aa0ba902b7-00";
        eventing.ingest("default", List.of(CloudEventBuilder.v1(event("quiet", "order.created")).withExtension("traceparent", unsampled).build(),
                event("loud", "order.created"))).get(5, TimeUnit.SECONDS);

        await().atMost(30, TimeUnit.SECONDS).until(() -> eventing.trigger("orders").delivered() == 2);

        assertThat(harness.target.all).filteredOn(r -> r.text().contains("quiet")).singleElement()
                .extracting(r -> r.header("traceparent")).isEqualTo(unsampled);
        assertThat(attempts).singleElement().extracting(DeliveryAttempt::eventId).isEqualTo("loud");
    }
}
