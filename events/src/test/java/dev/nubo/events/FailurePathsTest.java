package dev.nubo.events;

import static dev.nubo.events.Fixtures.event;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nubo.eventsink.Destination;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What eventing does when something throws where it should not: it ends in a visible state, never a stuck or silent one. */
@ParameterizedClass
@EnumSource(Database.class)
class FailurePathsTest {

    @RegisterExtension
    final Harness harness;
    final TargetServer target;
    final Eventing eventing;

    FailurePathsTest(Database database) {
        harness = new Harness(database);
        target = harness.target;
        eventing = harness.open(InstantSource.system());
    }

    private String invokeWithResultsTo(String broker, boolean onSuccess) throws Exception {
        Optional<Destination> to = Optional.of(new Destination.Broker(broker));
        return eventing.invocations().invoke("fn", "/", List.of(), "x".getBytes(StandardCharsets.UTF_8),
                new AsyncOptions(0, Duration.ofSeconds(5), onSuccess ? to : Optional.empty(), onSuccess ? Optional.empty() : to))
                .get(5, TimeUnit.SECONDS);
    }

    private Invocation finished(String id) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> eventing.invocations().get(id).finishedAt().isPresent());
        return eventing.invocations().get(id);
    }

    @Test
    void anAsyncInvocationWhoseFailureCannotBeRoutedEndsFailedWithBothReasonsInsteadOfRunningForever() throws Exception {
        target.answer = r -> new TargetServer.Answer(400, Map.of(), "bad input");
        String id = invokeWithResultsTo("results", false); // no such broker (or deleted since): routing the failure throws
        target.next();

        Invocation record = finished(id);
        assertThat(record.status()).isEqualTo(InvocationStatus.FAILED);
        assertThat(record.error()).hasValue("HTTP 400 from fn: bad input; and its result could not be sent to"
                + " broker:results: no broker named results");
    }

    @Test
    void anAsyncInvocationThatSucceededButWhoseResultCannotBeSentEndsFailedSayingTheCallSucceeded() throws Exception {
        target.answer = r -> new TargetServer.Answer(200, Map.of("Content-Type", "text/plain"), "done");
        String id = invokeWithResultsTo("results", true);
        target.next();

        Invocation record = finished(id);
        assertThat(record.status()).isEqualTo(InvocationStatus.FAILED);
        assertThat(record.error()).hasValue("the call succeeded (HTTP 200), but its result could not be sent to"
                + " broker:results: no broker named results");
        assertThat(record.statusCode()).hasValue(200);
        assertThat(record.response()).hasValue("{\"statusCode\":200,\"contentType\":\"text/plain\",\"body\":\"done\"}");
    }

    @Test
    void anEventWhoseDataThrowsAnErrorFailsItsIngestAndNothingElse() throws Exception {
        eventing.createTrigger(trigger("{'name':'orders','to':'orders'}"));
        CloudEvent broken = CloudEventBuilder.v1(event("bad", "t")).withData("application/json", new CloudEventData() {
            @Override
            public byte[] toBytes() {
                throw new NoClassDefFoundError("io/cloudevents/jackson/JsonFormat");
            }
        }).build();

        CompletableFuture<Integer> ingest = eventing.ingest("default", List.of(event("good", "t"), broken));
        assertThatThrownBy(ingest::join).hasCauseInstanceOf(NoClassDefFoundError.class)
                .hasMessageContaining("io/cloudevents/jackson/JsonFormat");
        assertThat(eventing.trigger("orders").pending()).as("nothing half-routed").isZero();

        assertThat(eventing.ingest("default", List.of(event("next", "t"))).get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(target.next().header("ce-id")).as("the good event of the failed batch was not stored either").isEqualTo("next");
    }
}
