package dev.nubo.workflows;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a workflow run tells what it did, for traces: the server plugs in its tracing here
 * ({@link Workflows#tracer}). Every state a run executes is told when the run leaves it, and a run that
 * ends its execution tells that too; the tracer joins them into one trace per execution. Called on the
 * run's own (virtual) thread: never blocking, cheap (queue it).
 *
 * <pre>{@code
 * workflows.tracer(new WorkflowTracer() { ... });
 * }</pre>
 */
public interface WorkflowTracer {

    /** No tracing: the default. */
    WorkflowTracer NONE = new WorkflowTracer() {
        @Override
        public void state(StateRun run) {}

        @Override
        public void execution(ExecutionRun run) {}
    };

    /**
     * One state executed, from entering it (or the run resuming in it) to leaving it.
     *
     * @param type the state's type as the language names it: {@code Task}, {@code Choice}, {@code Map}…
     * @param resource what a Task called: the service's name, or the kind of integration ({@code StartExecution}…)
     * @param branch empty for the execution's own states; the branch or item path inside a Parallel or Map
     * @param outcome {@code next} (on to another state), {@code succeeded}, {@code failed} or {@code waiting} (for a task token)
     */
    record StateRun(String executionId, String workflow, String state, String type, Optional<String> resource, String branch,
                    Instant start, Instant end, String outcome) {}

    /** An execution ended on this node: {@code status} SUCCEEDED or FAILED (with its error). */
    record ExecutionRun(String executionId, String workflow, String name, Instant start, Instant end, String status, String error) {}

    void state(StateRun run);

    void execution(ExecutionRun run);

    /** This tracer, then {@code other}: traces and metrics from the same runs. */
    default WorkflowTracer and(WorkflowTracer other) {
        WorkflowTracer first = this;
        return new WorkflowTracer() {
            @Override
            public void state(StateRun run) {
                first.state(run);
                other.state(run);
            }

            @Override
            public void execution(ExecutionRun run) {
                first.execution(run);
                other.execution(run);
            }
        };
    }
}
