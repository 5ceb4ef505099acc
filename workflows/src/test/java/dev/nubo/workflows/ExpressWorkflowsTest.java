package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Express workflows: run in memory, their outcome answered to whoever started them, nothing written to the store. */
class ExpressWorkflowsTest {

    static final String QUOTE = """
            {"StartAt": "Price", "States": {
              "Price": {"Type": "Task", "Resource": "nubo:prices", "ResultPath": "$.price", "Next": "Check"},
              "Check": {"Type": "Choice", "Choices": [{"Variable": "$.price", "NumericGreaterThan": 100, "Next": "TooDear"}],
                        "Default": "Done"},
              "TooDear": {"Type": "Fail", "Error": "Quote.TooDear", "Cause": "over budget"},
              "Done": {"Type": "Pass", "End": true}}}""";

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final List<Tasks.Call> calls = new CopyOnWriteArrayList<>();
    Store store;

    Workflows workflows() {
        store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")));
        return new Workflows(store.workflows(), call -> {
            calls.add(call);
            return json(call.input().path("qty").asText("1"));
        }, clock, clock.pause());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void anExpressExecutionAnswersItsOutputAndLeavesNothingInTheStore() throws Exception {
        Workflows workflows = workflows();
        assertThat(workflows.deploy("quote", QUOTE, WorkflowType.EXPRESS, true).type()).isEqualTo("express");

        ExecutionRecord e = workflows.start("quote", json("{\"qty\": 7}"), Optional.of("q1"), Duration.ofSeconds(30)).record();

        assertThat(e.status()).isEqualTo("SUCCEEDED");
        assertThat(json(e.output().orElseThrow())).isEqualTo(json("{\"qty\": 7, \"price\": 7}"));
        assertThat(calls).extracting(Tasks.Call::idempotencyKey).containsExactly("quote:q1/Price/1");
        assertThat(workflows.executions("quote", 10)).isEmpty();
        assertThatThrownBy(() -> workflows.execution("quote:q1")).isInstanceOfSatisfying(UserError.class, x -> {
            assertThat(x.httpStatus()).isEqualTo(404);
            assertThat(x.hint()).startsWith("the workflow is express: its executions run in memory and are not recorded");
        });
    }

    @Test
    void aFailedExpressExecutionAnswersItsErrorAndCause() throws Exception {
        Workflows workflows = workflows();
        workflows.deploy("quote", QUOTE, WorkflowType.EXPRESS, false);

        ExecutionRecord e = workflows.start("quote", json("{\"qty\": 500}"), Optional.empty(), Duration.ofSeconds(30)).record();

        assertThat(e.status()).isEqualTo("FAILED");
        assertThat(e.error()).contains("Quote.TooDear");
        assertThat(e.cause()).contains("over budget");
        assertThat(e.stoppedAt()).isPresent();
    }

    @Test
    void refusesAnExpressWorkflowThatWaitsForATaskTokenOrRecordsMapItemsNamingTheState() {
        Workflows workflows = workflows();
        String approval = "{\"StartAt\": \"Ask\", \"States\": {\"Ask\": {\"Type\": \"Task\", \"Resource\": \"nubo:people.waitForTaskToken\","
                + " \"Parameters\": {\"token.$\": \"$$.Task.Token\"}, \"End\": true}}}";

        assertThatThrownBy(() -> workflows.deploy("approval", approval, WorkflowType.EXPRESS, false)).isInstanceOfSatisfying(UserError.class,
                x -> assertThat(x.httpStatus()).isEqualTo(400))
                .hasMessage("state \"Ask\": Resource .waitForTaskToken is not available in an express workflow: its executions are not"
                        + " recorded, so nothing can wait for a token");
        String fanOut = DistributedMapTest.PRICES;
        assertThatThrownBy(() -> workflows.deploy("fan", fanOut, WorkflowType.EXPRESS, false))
                .hasMessageStartingWith("state \"Each\": ItemProcessor.ProcessorConfig.ExecutionType STANDARD is not available in an"
                        + " express workflow");
        assertThat(workflows.deploy("fan", fanOut.replace("\"STANDARD\"", "\"EXPRESS\""), WorkflowType.EXPRESS, false).type())
                .isEqualTo("express");
        assertThatThrownBy(() -> WorkflowType.of("fast")).isInstanceOfSatisfying(UserError.class, x -> assertThat(x.httpStatus()).isEqualTo(400))
                .hasMessage("workflow type \"fast\" is not known");
        assertThat(workflows.deploy("approval", approval).type()).isEqualTo("standard");
    }
}
