package dev.nubo.server;

import dev.nubo.metrics.Metrics;
import dev.nubo.workflows.WorkflowTracer;
import java.time.Duration;

/** Times each workflow state a run leaves into /metrics' {@code nubo_workflow_state_duration_seconds}. */
final class WorkflowMeters implements WorkflowTracer {

    private final Metrics metrics;

    WorkflowMeters(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void state(StateRun run) {
        metrics.workflowState(run.workflow(), run.type(), Duration.between(run.start(), run.end()));
    }

    @Override
    public void execution(ExecutionRun run) {
        // executions are counted by Workflows itself (every way one ends, not only a run's): Metrics.workflows
    }
}
