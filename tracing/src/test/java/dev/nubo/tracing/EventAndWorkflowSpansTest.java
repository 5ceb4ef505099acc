package dev.nubo.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.events.DeliveryAttempt;
import dev.nubo.workflows.WorkflowTracer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivery attempts and workflow runs become spans kept with the traces they belong to. */
class EventAndWorkflowSpansTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    private final Tracing tracing = Tracing.start(TracingConfig.defaults(), InstantSource.system());

    @AfterEach
    void close() {
        tracing.close();
    }

    @Test
    void aDeliveryAttemptIsAClientSpanOfItsTargetUnderTheEventsOwnSpan() {
        tracing.events().attempt(new DeliveryAttempt(TRACE, "00000000000000a1", Optional.of("00f067aa0ba902b7"), "event", "trigger:orders",
                "default", "evt-1", "orders", 2, "retrying", 503, "", T0, T0.plusMillis(40)));
        tracing.events().attempt(new DeliveryAttempt("0af7651916cd43dd8448eb211c80319c", "00000000000000b2", Optional.empty(), "invocation",
                "invocation:inv-1", "", "", "fn", 1, "delivered", 202, "", T0, T0.plusMillis(5)));

        Span delivery = tracing.trace(TRACE).getFirst();
        assertThat(delivery.name()).isEqualTo("event delivery");
        assertThat(delivery.kind()).isEqualTo(Span.Kind.CLIENT);
        assertThat(delivery.service()).isEqualTo("orders");
        assertThat(delivery.parentId()).contains("00f067aa0ba902b7");
        assertThat(delivery.error()).isTrue();
        assertThat(delivery.durationNanos()).isEqualTo(40_000_000L);
        assertThat(delivery.attributes()).containsEntry("nubo.trigger", "orders").containsEntry("nubo.broker", "default")
                .containsEntry("cloudevents.event_id", "evt-1").containsEntry("nubo.attempt", "2")
                .containsEntry("nubo.outcome", "retrying").containsEntry("http.response.status_code", "503");
        Span invocation = tracing.trace("0af7651916cd43dd8448eb211c80319c").getFirst();
        assertThat(invocation.name()).isEqualTo("async invocation");
        assertThat(invocation.error()).isFalse();
        assertThat(invocation.attributes()).containsEntry("nubo.origin", "invocation:inv-1").doesNotContainKey("nubo.broker");
    }

    @Test
    void theStatesOfAnExecutionAndItsEndJoinOneTraceDerivedFromItsId() {
        WorkflowTracer workflows = tracing.workflows();
        workflows.state(new WorkflowTracer.StateRun("orders:o-1", "orders", "Charge", "Task", Optional.of("payments"), "",
                T0.plusMillis(1), T0.plusSeconds(2), "next"));
        // the run waited for a token, or the server restarted: a later run of the same execution
        workflows.state(new WorkflowTracer.StateRun("orders:o-1", "orders", "Ship", "Pass", Optional.empty(), "",
                T0.plusSeconds(60), T0.plusSeconds(61), "succeeded"));
        workflows.execution(new WorkflowTracer.ExecutionRun("orders:o-1", "orders", "o-1", T0, T0.plusSeconds(61), "SUCCEEDED", ""));
        workflows.state(new WorkflowTracer.StateRun("orders:o-2", "orders", "Charge", "Task", Optional.of("payments"), "",
                T0, T0.plusSeconds(1), "failed"));

        String traceId = WorkflowSpans.ids("orders:o-1")[0];
        List<Span> trace = tracing.trace(traceId);
        assertThat(trace).extracting(Span::name).containsExactly("workflow orders", "Charge", "Ship");
        Span execution = trace.getFirst();
        assertThat(execution.parentId()).isEmpty();
        assertThat(execution.attributes()).containsEntry("nubo.execution", "orders:o-1").containsEntry("nubo.status", "SUCCEEDED");
        assertThat(trace.subList(1, 3)).allSatisfy(s -> assertThat(s.parentId()).contains(execution.spanId()));
        assertThat(trace.get(1).kind()).isEqualTo(Span.Kind.CLIENT);
        assertThat(trace.get(1).attributes()).containsEntry("nubo.resource", "payments").containsEntry("nubo.state_type", "Task");
        assertThat(tracing.trace(WorkflowSpans.ids("orders:o-2")[0])).singleElement().extracting(Span::error).isEqualTo(true);
        assertThat(tracing.recent(Optional.of("orders"), 10)).extracting(TraceSummary::traceId).contains(traceId);
    }
}
