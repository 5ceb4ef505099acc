package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The states:startExecution task: a workflow starting another, and with .sync waiting for its outcome. */
class ChildExecutionsTest {

    static final String CHILD = """
            {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "Next": "Check"},
              "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 100, "Next": "TooBig"}], "Default": "Done"},
              "TooBig": {"Type": "Fail", "Error": "Child.TooBig", "Cause": "over 100"},
              "Done": {"Type": "Succeed"}}}""";
    static final String PARENT = """
            {"StartAt": "Start", "States": {"Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
              "Parameters": {"StateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:child", "Input": {"n.$": "$.n"}},
              "ResultSelector": {"output.$": "$.Output", "status.$": "$.Status"}, "ResultPath": "$.child", "End": true,
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure", "Next": "Failed"}]},
             "Failed": {"Type": "Pass", "End": true}}}""";

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    Store store;
    Workflows workflows;

    @AfterEach
    void close() {
        workflows.close();
        store.close();
    }

    Workflows workflows() {
        store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")));
        workflows = new Workflows(store.workflows(), call -> json("{}"), clock, clock.pause());
        workflows.deploy("child", CHILD);
        workflows.deploy("parent", PARENT);
        return workflows;
    }

    @Test
    void aSyncStartWaitsForTheChildAndTakesItsOutputNamingTheChildAfterTheTask() throws Exception {
        Workflows workflows = workflows();

        ExecutionRecord parent = workflows.start("parent", json("{'n': 21}"), Optional.of("p1"), Duration.ofSeconds(30)).record();

        assertThat(parent.status()).isEqualTo("SUCCEEDED");
        assertThat(json(parent.output().orElseThrow())).isEqualTo(json("{'n': 21, 'child': {'output': {'n': 42}, 'status': 'SUCCEEDED'}}"));
        assertThat(workflows.executions("child", 10)).extracting(ExecutionRecord::id)
                .containsExactly("child:" + Children.nameFor("parent:p1/Start/1"));
    }

    @Test
    void aChildThatFailsFailsTheTaskWithStatesTaskFailedNamingItsError() throws Exception {
        Workflows workflows = workflows();

        ExecutionRecord parent = workflows.start("parent", json("{'n': 60}"), Optional.of("p2"), Duration.ofSeconds(30)).record();

        assertThat(json(parent.output().orElseThrow()).path("failure").path("Cause").asText())
                .isEqualTo("execution child:" + Children.nameFor("parent:p2/Start/1") + " ended FAILED: Child.TooBig: over 100");
    }

    @Test
    void withoutSyncTheTaskAnswersTheChildsIdAtOnce() throws Exception {
        Workflows workflows = workflows();
        workflows.deploy("starter", PARENT.replace("startExecution.sync:2", "startExecution").replace("""
                "ResultSelector": {"output.$": "$.Output", "status.$": "$.Status"}, """, "").replace("\"Name\"", "\"Name\""));

        ExecutionRecord parent = workflows.start("starter", json("{'n': 1}"), Optional.of("s1"), Duration.ofSeconds(30)).record();

        assertThat(json(parent.output().orElseThrow()).path("child").path("ExecutionArn").asText())
                .isEqualTo("child:" + Children.nameFor("starter:s1/Start/1"));
    }
}
