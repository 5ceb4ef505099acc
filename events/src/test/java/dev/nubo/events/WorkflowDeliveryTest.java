package dev.nubo.events;

import static dev.nubo.events.Fixtures.event;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deliveries to {@code workflow:NAME}: each event starts an execution through {@link WorkflowStarts}, with the trigger's retries. */
class WorkflowDeliveryTest {

    record Start(String workflow, String execution, JsonNode event) {}

    @RegisterExtension
    final Harness harness = new Harness();
    final BlockingQueue<Start> starts = new LinkedBlockingQueue<>();
    /** What each start answers; a success unless a test says otherwise. */
    volatile Function<Start, CompletableFuture<Void>> answer = s -> CompletableFuture.completedFuture(null);

    private Eventing open(InstantSource clock) {
        return harness.open(harness.config(clock).withWorkflows((workflow, execution, event) -> {
            try {
                Start s = new Start(workflow, execution, Json.mapper().readTree(event));
                // Read the answer before the test can see this start: it changes the answer once it has.
                Function<Start, CompletableFuture<Void>> reply = answer;
                starts.add(s);
                return reply.apply(s);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }));
    }

    /** When the one pending delivery is due, once it has failed {@code attempts} times; 0 before that. */
    private long dueAfterAttempts(int attempts) {
        return harness.log().read(sql -> {
            try (java.sql.ResultSet rs = sql.get("SELECT attempts, next_at FROM deliveries").executeQuery()) {
                return rs.next() && rs.getLong(1) == attempts ? rs.getLong(2) : 0L;
            }
        });
    }

    private Start next() throws InterruptedException {
        Start s = starts.poll(5, TimeUnit.SECONDS);
        assertThat(s).as("a start within 5 s").isNotNull();
        return s;
    }

    @Test
    void aTriggerToAWorkflowStartsAnExecutionNamedAfterEachEventWithTheEventAsInput() throws Exception {
        Eventing eventing = open(InstantSource.system());
        eventing.createTrigger(trigger("{'name':'orders','to':'workflow:order','filters':[{'attribute':'type','value':'order.created'}]}"));
        eventing.ingest("default", List.of(event("a1", "order.created"), event("a2", "order.paid"))).get(5, TimeUnit.SECONDS);

        Start s = next();
        assertThat(s.workflow()).isEqualTo("order");
        assertThat(s.execution()).isEqualTo("a1");
        assertThat(s.event().path("id").asText()).isEqualTo("a1");
        assertThat(s.event().path("type").asText()).isEqualTo("order.created");
        assertThat(s.event().path("data")).isEqualTo(Json.mapper().readTree("{\"id\":\"a1\"}"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.trigger("orders").delivered() == 1);
        assertThat(starts.poll(200, TimeUnit.MILLISECONDS)).as("order.paid matches no trigger").isNull();

        // A source publishes straight to the workflow.
        eventing.publish(new Destination.Workflow("report"), List.of(event("tick-1", "cron.tick"))).get(5, TimeUnit.SECONDS);
        assertThat(next()).extracting(Start::workflow, Start::execution).containsExactly("report", "tick-1");
    }

    @Test
    void aWorkflowNotDeployedYetIsRetriedOnTheClockAndARefusedStartIsDeadLetteredAtOnce() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
        Eventing eventing = open(clock);
        answer = s -> CompletableFuture.failedFuture(UserError.notFound("workflow.not_found", "no workflow order", "deploy it"));
        eventing.createTrigger(trigger("{'name':'orders','to':'workflow:order','delivery':{'attempts':3,'backoff':'1s'}}"));
        eventing.ingest("default", List.of(event("a1", "t"))).get(5, TimeUnit.SECONDS);
        next();
        answer = s -> CompletableFuture.completedFuture(null);
        // The retry is due at a time the failed attempt's settlement writes: advance to it once it is written.
        await().atMost(5, TimeUnit.SECONDS).until(() -> dueAfterAttempts(1) > 0);
        assertThat(starts.poll(300, TimeUnit.MILLISECONDS)).as("nothing before the backoff").isNull();
        clock.advance(Duration.ofMillis(dueAfterAttempts(1) - clock.millis()));
        eventing.dispatcher.wake();
        assertThat(next().execution()).isEqualTo("a1");
        await().atMost(5, TimeUnit.SECONDS).until(() -> eventing.trigger("orders").delivered() == 1);

        answer = s -> CompletableFuture.failedFuture(UserError.badRequest("execution.name", "bad input", "fix it"));
        eventing.ingest("default", List.of(event("a2", "t"))).get(5, TimeUnit.SECONDS);
        next();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !eventing.deadLetters().list(Optional.empty(), 10).isEmpty());
        DeadLetter dead = eventing.deadLetters().list(Optional.empty(), 10).getFirst();
        assertThat(dead.to()).isEqualTo("workflow:order");
        assertThat(dead.reason()).isEqualTo("rejected, not retried: HTTP 400 from order: bad input");
    }

    @Test
    void anEventIdThatIsNoExecutionNameKeepsItsValidCharactersAndAHashOfTheWholeId() {
        assertThat(Dispatcher.executionName(event("order-7_b", "t"))).isEqualTo("order-7_b");
        String slashed = Dispatcher.executionName(event("order/8", "t"));
        assertThat(slashed).matches("order-8-[0-9a-f]+").isNotEqualTo(Dispatcher.executionName(event("order:8", "t")));
        String longId = "x".repeat(200);
        assertThat(Dispatcher.executionName(CloudEventBuilder.v1(event("a", "t")).withId(longId).withSource(URI.create("/s")).build()))
                .hasSizeLessThanOrEqualTo(80).startsWith("x".repeat(64) + "-");
    }
}
