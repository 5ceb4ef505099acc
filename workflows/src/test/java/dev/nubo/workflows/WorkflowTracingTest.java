package dev.nubo.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A run tells its tracer of each state it executed and of how its execution ended. */
class WorkflowTracingTest {

    final List<WorkflowTracer.StateRun> states = new CopyOnWriteArrayList<>();
    final List<WorkflowTracer.ExecutionRun> executions = new CopyOnWriteArrayList<>();
    final WorkflowTracer tracer = new WorkflowTracer() {
        @Override
        public void state(StateRun run) {
            states.add(run);
        }

        @Override
        public void execution(ExecutionRun run) {
            executions.add(run);
        }
    };

    @Test
    void eachStateExecutedIsToldWithItsTypeAndTaskResourceThenTheExecution() throws Exception {
        Runs runs = new Runs(call -> IntNode.valueOf(7));
        runs.tracer = tracer;
        runs.output("""
                {"StartAt": "Start", "States": {
                  "Start": {"Type": "Pass", "Next": "Charge"},
                  "Charge": {"Type": "Task", "Resource": "nubo:payments", "ResultPath": "$.paid", "Next": "Check"},
                  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.paid", "NumericEquals": 7, "Next": "Done"}]},
                  "Done": {"Type": "Succeed"}}}""", "{}");

        assertThat(states).extracting(WorkflowTracer.StateRun::state, WorkflowTracer.StateRun::type, WorkflowTracer.StateRun::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Start", "Pass", "next"),
                        org.assertj.core.groups.Tuple.tuple("Charge", "Task", "next"),
                        org.assertj.core.groups.Tuple.tuple("Check", "Choice", "next"),
                        org.assertj.core.groups.Tuple.tuple("Done", "Succeed", "succeeded"));
        assertThat(states).allSatisfy(s -> {
            assertThat(s.executionId()).isEqualTo("wf:exec-1");
            assertThat(s.workflow()).isEqualTo("wf");
            assertThat(s.branch()).isEmpty();
        });
        assertThat(states.get(1).resource()).contains("payments");
        assertThat(states.get(0).resource()).isEmpty();
        assertThat(executions).singleElement().extracting(WorkflowTracer.ExecutionRun::executionId, WorkflowTracer.ExecutionRun::status)
                .containsExactly("wf:exec-1", "SUCCEEDED");
    }

    @Test
    void aTaskTakesItsCallsTimeAndAFailedRunEndsItsExecutionFailed() throws Exception {
        Runs[] failingRef = new Runs[1];
        Runs failing = new Runs(call -> {
            failingRef[0].clock.advance(Duration.ofSeconds(2));  // the call takes two seconds
            throw new StatesError("Payment.Declined", "card expired");
        });
        failingRef[0] = failing;
        failing.tracer = tracer;
        Journal.Ending ending = failing.run("""
                {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "nubo:payments", "End": true}}}""", "{}");

        assertThat(ending).isInstanceOf(Journal.Ending.Failed.class);
        assertThat(states).singleElement().satisfies(s -> {
            assertThat(s.outcome()).isEqualTo("failed");
            assertThat(Duration.between(s.start(), s.end())).isEqualTo(Duration.ofSeconds(2));
        });
        assertThat(executions).singleElement().extracting(WorkflowTracer.ExecutionRun::status, WorkflowTracer.ExecutionRun::error)
                .containsExactly("FAILED", "Payment.Declined: card expired");
    }

    @Test
    void statesInsideAMapAreToldWithTheirItemAndOnlyTheExecutionEndsIt() throws Exception {
        Runs runs = new Runs(call -> IntNode.valueOf(1));
        runs.tracer = tracer;
        runs.output("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                    "ItemProcessor": {"StartAt": "Times", "States": {"Times": {"Type": "Task", "Resource": "nubo:times", "End": true}}}}}}""",
                "{'items': [1, 2]}");

        assertThat(states).filteredOn(s -> s.state().equals("Times")).extracting(WorkflowTracer.StateRun::branch)
                .containsExactlyInAnyOrder("Each[0]", "Each[1]");
        assertThat(states).filteredOn(s -> s.state().equals("Each")).singleElement()
                .extracting(WorkflowTracer.StateRun::type, WorkflowTracer.StateRun::branch).containsExactly("Map", "");
        assertThat(executions).hasSize(1);
        assertThat(Optional.of(executions.get(0).workflow())).contains("wf");
    }
}
