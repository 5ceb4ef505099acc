package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterpreterTest {

    /** The specification's example of InputPath, ResultPath and OutputPath ("Input and Output Processing"). */
    @Test
    void passesDataThroughInputPathResultPathAndOutputPathAsTheSpecificationShows() throws Exception {
        Runs runs = new Runs(call -> IntNode.valueOf(call.input().get(0).asInt() + call.input().get(1).asInt()));
        JsonNode out = runs.output("""
                {"StartAt": "Add", "States": {"Add": {"Type": "Task", "Resource": "nubo:adder",
                  "InputPath": "$.numbers", "ResultPath": "$.sum", "OutputPath": "$.sum", "End": true}}}""",
                "{'title': 'Numbers to add', 'numbers': [3, 4]}");
        assertThat(out).isEqualTo(IntNode.valueOf(7));
        assertThat(runs.calls.getFirst().input()).isEqualTo(json("[3, 4]"));
        assertThat(runs.calls.getFirst().idempotencyKey()).isEqualTo("wf:exec-1/Add/1");
    }

    @Test
    void fillsParametersFromTheInputAndTheContextAndSelectsFromTheResult() throws Exception {
        Runs runs = new Runs(call -> json("{'status': 'ok', 'id': 42, 'echo': " + call.input() + "}"));
        JsonNode out = runs.output("""
                {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "nubo:payments",
                  "Parameters": {"amount.$": "$.order.total", "currency": "EUR", "execution.$": "$$.Execution.Id",
                                 "note.$": "States.Format('order {} of {}', $.order.id, $.customer)"},
                  "ResultSelector": {"paymentId.$": "$.id", "sent.$": "$.echo"},
                  "ResultPath": "$.payment", "End": true}}}""",
                "{'order': {'id': 'o-1', 'total': 12.5}, 'customer': 'ada'}");
        assertThat(out).isEqualTo(json("""
                {'order': {'id': 'o-1', 'total': 12.5}, 'customer': 'ada', 'payment': {'paymentId': 42,
                 'sent': {'amount': 12.5, 'currency': 'EUR', 'execution': 'wf:exec-1', 'note': 'order o-1 of ada'}}}"""));
    }

    @Test
    void passStatesPlaceTheirResultAndNullPathsDiscard() throws Exception {
        Runs runs = new Runs(call -> json("{}"));
        assertThat(runs.output("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.a.b", "Next": "B"},
                  "B": {"Type": "Pass", "Result": "ignored", "ResultPath": null, "Next": "C"},
                  "C": {"Type": "Pass", "Parameters": {"copy.$": "$.a.b.x", "list.$": "States.Array(1, 'two')"}, "End": true}}}""",
                "{'keep': true}")).isEqualTo(json("{'copy': 1, 'list': [1, 'two']}"));
    }

    @Test
    void recordsStepsWithoutEffectsTogetherWithTheNextStepThatHasOne() throws Exception {
        List<Integer> recordedBeforeTheCall = new java.util.ArrayList<>();
        Runs[] holder = new Runs[1];
        Runs runs = new Runs(call -> {
            recordedBeforeTheCall.add(holder[0].records.size());
            return json("1");
        });
        holder[0] = runs;
        runs.output("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "T"}], "Default": "T"},
                  "T": {"Type": "Task", "Resource": "nubo:one", "Next": "C"}, "C": {"Type": "Pass", "End": true}}}""", "{}");
        assertThat(runs.records).containsExactly(
                List.of("StateExited", "StateEntered", "StateExited", "StateEntered", "TaskScheduled"),
                List.of("TaskSucceeded", "StateExited", "StateEntered", "StateExited", "ExecutionSucceeded"));
        assertThat(recordedBeforeTheCall).containsExactly(1); // the task's scheduling is recorded before it is called
    }

    @Test
    void waitsUntilItsDeadlineOnTheClockItIsGiven() throws Exception {
        Runs runs = new Runs(call -> json("{}"));
        runs.output("""
                {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Until"},
                  "Until": {"Type": "Wait", "Timestamp": "2026-12-04T00:00:00Z", "End": true}}}""", "{'seconds': 3600}");
        assertThat(runs.events).filteredOn(e -> e.type().equals("WaitStarted")).extracting(e -> e.detail().get("until").asText())
                .containsExactly("2026-12-03T13:00:00Z", "2026-12-04T00:00:00Z");
        assertThat(runs.clock.instant()).hasToString("2026-12-04T00:00:00Z");
    }

    @Test
    void retriesWithBackoffThenSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Runs runs = new Runs(call -> {
            if (calls.incrementAndGet() < 3) {
                throw new StatesError("PaymentDeclined", "try again");
            }
            return json("'paid'");
        });
        JsonNode out = runs.output("""
                {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "nubo:payments", "End": true,
                  "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 9},
                            {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}]}}}""", "{}");
        assertThat(out.asText()).isEqualTo("paid");
        assertThat(runs.events).filteredOn(e -> e.type().equals("RetryScheduled")).extracting(e -> e.detail().get("delayMillis").asLong())
                .containsExactly(2000L, 6000L);
        assertThat(runs.calls).extracting(Tasks.Call::idempotencyKey).containsExactly("wf:exec-1/Charge/1", "wf:exec-1/Charge/2", "wf:exec-1/Charge/3");
        assertThat(runs.clock.instant()).isEqualTo(ManualClock.T0.plusSeconds(8));
    }

    @Test
    void catchesWhatRetriesDidNotMendAndPlacesTheErrorAtResultPath() throws Exception {
        Runs runs = new Runs(call -> {
            throw new StatesError("PaymentDeclined", "card expired");
        });
        JsonNode out = runs.output("""
                {"StartAt": "Charge", "States": {
                  "Charge": {"Type": "Task", "Resource": "nubo:payments", "Next": "Done",
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "MaxDelaySeconds": 1, "IntervalSeconds": 5}],
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Done"},
                              {"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.failure", "Next": "Refund"}]},
                  "Refund": {"Type": "Pass", "End": true},
                  "Done": {"Type": "Succeed"}}}""", "{'order': 1}");
        assertThat(out).isEqualTo(json("{'order': 1, 'failure': {'Error': 'PaymentDeclined', 'Cause': 'card expired'}}"));
        assertThat(runs.calls).hasSize(2);
        assertThat(runs.types()).containsSubsequence("TaskScheduled(Charge)", "TaskFailed(Charge)", "RetryScheduled(Charge)",
                "TaskScheduled(Charge)", "TaskFailed(Charge)", "CatchTaken(Charge)", "StateExited(Charge)", "StateEntered(Refund)",
                "StateExited(Refund)", "ExecutionSucceeded");
        assertThat(runs.events).filteredOn(e -> e.type().equals("RetryScheduled")).extracting(e -> e.detail().get("delayMillis").asLong())
                .containsExactly(1000L);
    }

    @Test
    void taskFailedMatchesAFunctionsErrorButNotATimeout() throws Exception {
        Runs runs = new Runs(call -> {
            throw new StatesError(StatesError.TIMEOUT, "slow");
        });
        Journal.Ending ending = runs.run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "nubo:slow", "TimeoutSeconds": 3, "End": true,
                  "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Never"}]}, "Never": {"Type": "Succeed"}}}""", "{}");
        assertThat(ending).isEqualTo(new Journal.Ending.Failed("States.Timeout", "slow"));
        assertThat(runs.calls.getFirst().timeout()).contains(java.time.Duration.ofSeconds(3));
        assertThat(new StatesError("java.lang.IllegalStateException", "x").matches(List.of("States.TaskFailed"))).isTrue();
        assertThat(StatesError.runtime("x").matches(List.of("States.ALL"))).isFalse();
    }

    @Test
    void failStatesEndTheRunWithTheirErrorAndCauseOrFromPaths() throws Exception {
        Runs runs = new Runs(call -> json("{}"));
        assertThat(runs.run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "$.why"}}}""",
                "{'code': 'Out.Of.Stock', 'why': 'no more socks'}")).isEqualTo(new Journal.Ending.Failed("Out.Of.Stock", "no more socks"));
        assertThat(runs.run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}""", "{}"))
                .isEqualTo(new Journal.Ending.Failed("E", "C"));
    }

    @Test
    void aPathThatSelectsNothingFailsTheRunWithStatesRuntime() throws Exception {
        Runs runs = new Runs(call -> json("{}"));
        Journal.Ending ending = runs.run("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.missing", "End": true}}}""", "{'x': 1}");
        assertThat(ending).isInstanceOfSatisfying(Journal.Ending.Failed.class, f -> {
            assertThat(f.error()).isEqualTo("States.Runtime");
            assertThat(f.cause()).startsWith("Invalid path '$.missing': no results for it in {\"x\":1}");
        });
    }

    @Test
    void parallelBranchesAndMapItemsGiveTheirOutputsInOrder() throws Exception {
        Runs runs = new Runs(call -> IntNode.valueOf(call.input().path("n").asInt() * 10));
        JsonNode out = runs.output("""
                {"StartAt": "Both", "States": {
                  "Both": {"Type": "Parallel", "Next": "Each", "ResultPath": "$.both", "Branches": [
                    {"StartAt": "One", "States": {"One": {"Type": "Pass", "Result": 1, "End": true}}},
                    {"StartAt": "Two", "States": {"Two": {"Type": "Pass", "Result": 2, "End": true}}}]},
                  "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.tens", "End": true,
                    "ItemSelector": {"n.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
                    "ItemProcessor": {"StartAt": "Times", "States": {"Times": {"Type": "Task", "Resource": "nubo:times", "End": true}}}}}}""",
                "{'items': [1, 2, 3]}");
        assertThat(out).isEqualTo(json("{'items': [1, 2, 3], 'both': [1, 2], 'tens': [10, 20, 30]}"));
        assertThat(runs.calls).extracting(Tasks.Call::idempotencyKey)
                .containsExactlyInAnyOrder("wf:exec-1/Each[0]/Times/1", "wf:exec-1/Each[1]/Times/1", "wf:exec-1/Each[2]/Times/1");
    }

    @Test
    void aFailingBranchFailsItsParallelStateWhichCanCatchIt() throws Exception {
        Runs runs = new Runs(call -> json("{}"));
        JsonNode out = runs.output("""
                {"StartAt": "Both", "States": {
                  "Both": {"Type": "Parallel", "End": true, "Catch": [{"ErrorEquals": ["Branch.Broke"], "Next": "Handled"}], "Branches": [
                    {"StartAt": "Ok", "States": {"Ok": {"Type": "Pass", "End": true}}},
                    {"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "Branch.Broke", "Cause": "on purpose"}}}]},
                  "Handled": {"Type": "Pass", "End": true}}}""", "{}");
        assertThat(out).isEqualTo(json("{'Error': 'Branch.Broke', 'Cause': 'on purpose'}"));
    }

    @Test
    void callsTheLambdaIntegrationAndAnswersAsLambdaDoes() throws Exception {
        Runs runs = new Runs(call -> json("{'ok': true}"));
        JsonNode out = runs.output("""
                {"StartAt": "Invoke", "States": {"Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:Check_Stock", "Payload": {"sku.$": "$.sku"}},
                  "OutputPath": "$.Payload", "End": true}}}""", "{'sku': 'socks'}");
        assertThat(out).isEqualTo(json("{'ok': true}"));
        assertThat(runs.calls.getFirst().service()).isEqualTo("check-stock");
        assertThat(runs.calls.getFirst().input()).isEqualTo(json("{'sku': 'socks'}"));
    }
}
