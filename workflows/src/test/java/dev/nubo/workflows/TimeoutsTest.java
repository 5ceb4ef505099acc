package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.HistoryEvent;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state machine's own TimeoutSeconds, and a task's TimeoutSecondsPath and HeartbeatSecondsPath, on a manual clock. */
class TimeoutsTest {

    static final String APPROVAL = """
            {"StartAt": "Ask", "States": {
              "Ask": {"Type": "Task", "Resource": "nubo:approvals.waitForTaskToken", "HeartbeatSecondsPath": "$.beat", "End": true,
                      "Parameters": {"token.$": "$$.Task.Token"},
                      "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.timedOut", "Next": "Done"}]},
              "Done": {"Type": "Succeed"}}}""";

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final List<Tasks.Call> calls = new CopyOnWriteArrayList<>();
    Store store;
    Workflows workflows;

    Workflows workflows() {
        store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")));
        workflows = new Workflows(store.workflows(), call -> {
            calls.add(call);
            return json("{}");
        }, clock, clock.pause());
        return workflows;
    }

    @AfterEach
    void close() {
        if (workflows != null) {
            workflows.close();
            store.close();
        }
    }

    @Test
    void anExecutionStillRunningAtItsStateMachinesTimeoutSecondsEndsTimedOut() throws Exception {
        Workflows workflows = workflows();
        workflows.deploy("approval", APPROVAL.replace("{\"StartAt\"", "{\"TimeoutSeconds\": 60, \"StartAt\""));
        String id = workflows.start("approval", json("{'beat': 600}"), Optional.of("t1")).record().id();
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue(); // waiting for its token, without a thread

        clock.advance(Duration.ofSeconds(59));
        assertThat(workflows.timeOutHeartbeats()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(workflows.timeOutHeartbeats()).isEqualTo(1);

        ExecutionRecord timedOut = workflows.execution(id);
        assertThat(timedOut.status()).isEqualTo("TIMED_OUT");
        assertThat(timedOut.error()).contains("States.Timeout");
        assertThat(timedOut.cause()).contains("the execution ran longer than its TimeoutSeconds (60)");
        assertThat(workflows.history(id)).extracting(HistoryEvent::type).last().isEqualTo("ExecutionTimedOut");
    }

    @Test
    void countsExecutionsStartedAndHowEachEndedPerWorkflowForMetrics() throws Exception {
        Workflows workflows = workflows();
        workflows.deploy("approval", APPROVAL.replace("{\"StartAt\"", "{\"TimeoutSeconds\": 60, \"StartAt\""));
        workflows.deploy("quick", "{\"StartAt\": \"Done\", \"States\": {\"Done\": {\"Type\": \"Succeed\"}}}");
        workflows.deploy("broken", "{\"StartAt\": \"No\", \"States\": {\"No\": {\"Type\": \"Fail\", \"Error\": \"Broke\"}}}");
        String late = workflows.start("approval", json("{'beat': 600}"), Optional.of("late")).record().id();
        String stopped = workflows.start("approval", json("{'beat': 600}"), Optional.of("stopped")).record().id();
        workflows.start("approval", json("{'beat': 600}"), Optional.of("late"));  // the same name: found, not started again
        workflows.start("quick", json("{}"), Optional.empty(), Duration.ofSeconds(30));
        workflows.start("broken", json("{}"), Optional.empty(), Duration.ofSeconds(30));
        assertThat(workflows.awaitRun(late, Duration.ofSeconds(30))).isTrue();
        assertThat(workflows.awaitRun(stopped, Duration.ofSeconds(30))).isTrue();

        workflows.stop(stopped, Optional.empty(), Optional.empty());
        clock.advance(Duration.ofSeconds(60));
        assertThat(workflows.timeOutHeartbeats()).isEqualTo(1);

        assertThat(workflows.executionCounts()).isEqualTo(Map.of(
                "approval", Map.of("started", 2L, "aborted", 1L, "timed_out", 1L),
                "quick", Map.of("started", 1L, "succeeded", 1L),
                "broken", Map.of("started", 1L, "failed", 1L)));
    }

    @Test
    void heartbeatSecondsPathReadsTheDeadlineFromTheStatesInput() throws Exception {
        Workflows workflows = workflows();
        workflows.deploy("approval", APPROVAL);
        String id = workflows.start("approval", json("{'beat': 30}"), Optional.of("h1")).record().id();
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();

        clock.advance(Duration.ofSeconds(29));
        assertThat(workflows.timeOutHeartbeats()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(workflows.timeOutHeartbeats()).isEqualTo(1);
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();

        ExecutionRecord done = workflows.execution(id);
        assertThat(json(done.output().orElseThrow()).path("timedOut").path("Error").asText()).isEqualTo("States.HeartbeatTimeout");
    }

    @Test
    void timeoutSecondsPathBoundsTheCallAndABadValueIsAStatesRuntimeError() throws Exception {
        String definition = """
                {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "nubo:slow", "TimeoutSecondsPath": "$.limit", "End": true}}}""";
        Runs runs = new Runs(call -> json("{}"));
        runs.output(definition, "{'limit': 5}");
        assertThat(runs.calls.getFirst().timeout()).contains(Duration.ofSeconds(5));

        assertThat(new Runs(call -> json("{}")).run(definition, "{'limit': 'soon'}")).isEqualTo(new Journal.Ending.Failed("States.Runtime",
                "state \"Call\": TimeoutSecondsPath must select a whole number of seconds, at least 1, not \"soon\""));
    }
}
