package dev.nubo.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExecutionStatusTest {

    @Test
    void aRunningExecutionMayEndAnyWayAndAnEndedOneNeverMovesAgain() {
        for (ExecutionStatus to : ExecutionStatus.values()) {
            assertThat(ExecutionStatus.RUNNING.to(to)).isEqualTo(to);
        }
        for (ExecutionStatus ended : new ExecutionStatus[] {ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED,
                ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED}) {
            assertThat(ended.isFinal()).isTrue();
            assertThatThrownBy(() -> ended.to(ExecutionStatus.RUNNING)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("an execution cannot go from " + ended + " to RUNNING");
        }
        assertThat(ExecutionStatus.RUNNING.isFinal()).isFalse();
    }
}
