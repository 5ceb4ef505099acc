package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import dev.nubo.store.EmbeddedPostgres;
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
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Executions recorded in a real store, SQLite and PostgreSQL: a server "crash" is a {@link Workflows}
 * closed in the middle of a step (its runs interrupted, nothing more written), and a new one on the
 * same database that resumes what was running.
 */
@ParameterizedClass
@ValueSource(strings = {"sqlite", "postgresql"})
class DurableExecutionTest {

    static final String ORDER = """
            {"StartAt": "Reserve", "States": {
              "Reserve": {"Type": "Task", "Resource": "nubo:stock", "ResultPath": "$.reserved", "Next": "Cool"},
              "Cool": {"Type": "Wait", "Seconds": 3600, "Next": "Ship"},
              "Ship": {"Type": "Task", "Resource": "nubo:shipping", "ResultPath": "$.shipped", "End": true}}}""";

    final String database;
    @TempDir
    Path dir;
    Store store;
    final List<Tasks.Call> calls = new CopyOnWriteArrayList<>();
    final ManualClock clock = new ManualClock();

    DurableExecutionTest(String database) {
        this.database = database;
    }

    Store store() {
        if (store == null) {
            store = open(database, dir);
        }
        return store;
    }

    /** A new store of {@code database} ("sqlite" in {@code dir}, or "postgresql": a new database of the shared server). */
    static Store open(String database, Path dir) {
        return Store.open(database.equals("sqlite") ? StoreLocation.sqlite(dir.resolve("nubo.db"))
                : StoreLocation.parse(EmbeddedPostgres.shared().newDatabase(), Map.of()));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    Tasks answering() {
        return call -> {
            calls.add(call);
            return json("'done by " + call.service() + "'");
        };
    }

    @Test
    void resumesAWaitAfterACrashWithItsDeadlineKept() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Workflows before = new Workflows(store().workflows(), answering(), clock, deadline -> {
            waiting.countDown();
            Thread.sleep(Long.MAX_VALUE); // the server dies in the middle of the wait
        });
        before.deploy("order", ORDER);
        String id = before.start("order", json("{'item': 'socks'}"), Optional.of("o-1")).record().id();
        waiting.await();
        before.close();
        assertThat(before.execution(id).status()).isEqualTo("RUNNING");
        assertThat(Workflows.currentState(before.execution(id))).contains("Cool");

        clock.advance(Duration.ofMinutes(10)); // the restart comes ten minutes later
        Workflows after = new Workflows(store().workflows(), answering(), clock, clock.pause());
        after.resumeAll();
        assertThat(after.awaitRun(id, Duration.ofSeconds(30))).isTrue();

        ExecutionRecord done = after.execution(id);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(json(done.output().orElseThrow())).isEqualTo(json(
                "{'item': 'socks', 'reserved': 'done by stock', 'shipped': 'done by shipping'}"));
        assertThat(calls).extracting(Tasks.Call::service).containsExactly("stock", "shipping");
        List<HistoryEvent> history = after.history(id);
        assertThat(history).extracting(e -> e.type() + e.state().map(s -> "(" + s + ")").orElse("")).containsExactly(
                "ExecutionStarted", "StateEntered(Reserve)", "TaskScheduled(Reserve)", "TaskSucceeded(Reserve)", "StateExited(Reserve)",
                "StateEntered(Cool)", "WaitStarted(Cool)", "WaitEnded(Cool)", "StateExited(Cool)", "StateEntered(Ship)",
                "TaskScheduled(Ship)", "TaskSucceeded(Ship)", "StateExited(Ship)", "ExecutionSucceeded");
        assertThat(history).extracting(HistoryEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        // The deadline was set before the crash, one hour after the state was entered, and kept.
        assertThat(json(history.get(6).detail()).get("until").asText()).isEqualTo(ManualClock.T0.plusSeconds(3600).toString());
        assertThat(done.stoppedAt()).contains(ManualClock.T0.plusSeconds(3600));
    }

    @Test
    void sendsATaskAgainWithTheSameKeyWhenItsOutcomeWasNotRecorded() throws Exception {
        CountDownLatch sent = new CountDownLatch(1);
        Workflows before = new Workflows(store().workflows(), call -> {
            calls.add(call);
            sent.countDown();
            Thread.sleep(Long.MAX_VALUE); // the server dies while the service works
            return null;
        }, clock, clock.pause());
        before.deploy("order", ORDER);
        String id = before.start("order", json("{}"), Optional.of("o-2")).record().id();
        sent.await();
        before.close();

        Workflows after = new Workflows(store().workflows(), answering(), clock, clock.pause());
        after.resumeAll();
        assertThat(after.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        assertThat(after.execution(id).status()).isEqualTo("SUCCEEDED");
        assertThat(calls).extracting(Tasks.Call::idempotencyKey)
                .containsExactly("order:o-2/Reserve/1", "order:o-2/Reserve/1", "order:o-2/Ship/1");
        assertThat(after.history(id)).extracting(HistoryEvent::type).containsSubsequence("TaskScheduled", "TaskResent", "TaskSucceeded");
    }

    @Test
    void aMapCutOffByACrashRunsAgainAsAWholeWithTheSameKeys() throws Exception {
        String fanOut = """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                  "ItemProcessor": {"StartAt": "Price", "States": {"Price": {"Type": "Task", "Resource": "nubo:price", "End": true}}}}}}""";
        CountDownLatch stuck = new CountDownLatch(1);
        Workflows before = new Workflows(store().workflows(), call -> {
            calls.add(call);
            if (call.input().asInt() == 2) {
                stuck.countDown();
                Thread.sleep(Long.MAX_VALUE); // the server dies while item 2 is being priced
            }
            return json(String.valueOf(call.input().asInt() * 10));
        }, clock, clock.pause());
        before.deploy("fan", fanOut);
        String id = before.start("fan", json("{'items': [1, 2, 3]}"), Optional.of("f1")).record().id();
        stuck.await();
        before.close();

        Workflows after = new Workflows(store().workflows(), answering(), clock, clock.pause());
        after.resumeAll();
        assertThat(after.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        assertThat(after.execution(id).status()).isEqualTo("SUCCEEDED");
        assertThat(calls).extracting(Tasks.Call::idempotencyKey).filteredOn(k -> k.equals("fan:f1/Each[1]/Price/1")).hasSize(2);
        assertThat(after.history(id)).extracting(HistoryEvent::type).containsSubsequence("MapScheduled", "MapResent", "MapSucceeded");
    }

    @Test
    void startingANameTwiceReturnsTheFirstExecution() throws Exception {
        Workflows workflows = new Workflows(store().workflows(), answering(), clock, clock.pause());
        workflows.deploy("order", ORDER);
        var first = workflows.start("order", json("{'n': 1}"), Optional.of("same"));
        var second = workflows.start("order", json("{'n': 2}"), Optional.of("same"));
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.record().id()).isEqualTo(first.record().id());
        assertThat(json(second.record().input())).isEqualTo(json("{'n': 1}"));
        assertThat(workflows.awaitRun(first.record().id(), Duration.ofSeconds(30))).isTrue();
        assertThat(workflows.executions("order", 10)).hasSize(1);
    }

    @Test
    void stoppingAWaitingExecutionAbortsItForGood() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Workflows workflows = new Workflows(store().workflows(), answering(), clock, deadline -> {
            waiting.countDown();
            Thread.sleep(Long.MAX_VALUE);
        });
        workflows.deploy("order", ORDER);
        String id = workflows.start("order", json("{}"), Optional.empty()).record().id();
        waiting.await();
        ExecutionRecord stopped = workflows.stop(id, Optional.of("Operator"), Optional.of("not needed"));
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        assertThat(stopped.status()).isEqualTo("ABORTED");
        assertThat(stopped.error()).contains("Operator");
        assertThat(workflows.history(id).getLast().type()).isEqualTo("ExecutionAborted");

        Workflows restarted = new Workflows(store().workflows(), answering(), clock, clock.pause());
        restarted.resumeAll();
        assertThat(restarted.execution(id).status()).isEqualTo("ABORTED");
        assertThat(calls).extracting(Tasks.Call::service).containsExactly("stock");
    }

    static final String APPROVAL = """
            {"StartAt": "Ask", "States": {
              "Ask": {"Type": "Task", "Resource": "nubo:approvals.waitForTaskToken", "ResultPath": "$.answer", "Next": "Done",
                      "Parameters": {"order.$": "$.order", "token.$": "$$.Task.Token"},
                      "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Done"}]},
              "Done": {"Type": "Succeed"}}}""";

    @Test
    void aTokenTaskWhoseHeartbeatsStopFailsWithHeartbeatTimeoutWhichCatchHandles() throws Exception {
        Workflows workflows = new Workflows(store().workflows(), answering(), clock, clock.pause());
        workflows.deploy("approval", APPROVAL.replace("\"Ask\": {\"Type\": \"Task\",", "\"Ask\": {\"Type\": \"Task\", \"HeartbeatSeconds\": 60,")
                .replace("[\"Rejected\"]", "[\"States.HeartbeatTimeout\"]"));
        String id = workflows.start("approval", json("{'order': 7}"), Optional.of("h1")).record().id();
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        String token = calls.getFirst().input().get("token").asText();

        clock.advance(Duration.ofSeconds(59));
        assertThat(workflows.timeOutHeartbeats()).isZero();
        workflows.heartbeat(token); // 60 s more from now
        clock.advance(Duration.ofSeconds(59));
        assertThat(workflows.timeOutHeartbeats()).as("a heartbeat moved the deadline").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(workflows.timeOutHeartbeats()).isEqualTo(1);
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();

        ExecutionRecord done = workflows.execution(id);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(json(done.output().orElseThrow()).path("rejection").path("Error").asText()).isEqualTo("States.HeartbeatTimeout");
        assertThat(workflows.history(id)).extracting(HistoryEvent::type).containsSubsequence("TaskSubmitted", "TaskHeartbeat",
                "CallbackReceived", "TaskFailed", "CatchTaken", "ExecutionSucceeded");
        assertThatThrownBy(() -> workflows.heartbeat(token)).isInstanceOf(UserError.class).hasMessageContaining("does not wait for this token");
        workflows.close();
    }

    @Test
    void aTaskTokenSentBackResumesTheExecutionEvenAfterARestart() throws Exception {
        Workflows before = new Workflows(store().workflows(), answering(), clock, clock.pause());
        before.deploy("approval", APPROVAL);
        String id = before.start("approval", json("{'order': 7}"), Optional.of("a1")).record().id();
        assertThat(before.awaitRun(id, Duration.ofSeconds(30))).isTrue(); // no thread waits for the token
        assertThat(before.execution(id).status()).isEqualTo("RUNNING");
        assertThat(Workflows.currentState(before.execution(id))).contains("Ask");
        String token = calls.getFirst().input().get("token").asText();
        assertThat(calls.getFirst().input().get("order").asInt()).isEqualTo(7);
        before.close();

        Workflows after = new Workflows(store().workflows(), answering(), clock, clock.pause());
        after.resumeAll();
        ExecutionRecord answered = after.callback(token, json("{'output': {'approved': true}}"));
        assertThat(after.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        ExecutionRecord done = after.execution(id);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(json(done.output().orElseThrow())).isEqualTo(json("{'order': 7, 'answer': {'approved': true}}"));
        assertThat(calls).hasSize(1); // the service was asked once, not again after the restart
        assertThat(after.history(id)).extracting(HistoryEvent::type).containsSubsequence("TaskScheduled", "TaskSubmitted",
                "CallbackReceived", "TaskSucceeded", "ExecutionSucceeded");
        assertThat(answered.status()).isEqualTo("RUNNING");
        assertThatThrownBy(() -> after.callback(token, json("{'output': 1}"))).isInstanceOf(UserError.class)
                .hasMessageStartingWith("execution approval:a1 does not wait for this token (state Ask, attempt 1): it is SUCCEEDED");
        assertThatThrownBy(() -> after.callback("nonsense!", json("{'output': 1}"))).isInstanceOf(UserError.class)
                .hasMessage("\"nonsense!\" is not a task token");
    }

    @Test
    void aTaskFailureSentBackWithTheTokenIsCaughtLikeAnyError() throws Exception {
        Workflows workflows = new Workflows(store().workflows(), answering(), clock, clock.pause());
        workflows.deploy("approval", APPROVAL);
        String id = workflows.start("approval", json("{'order': 8}"), Optional.of("a2")).record().id();
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        workflows.callback(calls.getFirst().input().get("token").asText(), json("{'error': 'Rejected', 'cause': 'too dear'}"));
        assertThat(workflows.awaitRun(id, Duration.ofSeconds(30))).isTrue();
        assertThat(json(workflows.execution(id).output().orElseThrow()))
                .isEqualTo(json("{'order': 8, 'rejection': {'Error': 'Rejected', 'Cause': 'too dear'}}"));
    }

    @Test
    void deploysVersionsAndRefusesUnknownNames() {
        Workflows workflows = new Workflows(store().workflows(), answering(), clock, clock.pause());
        assertThat(workflows.deploy("order", ORDER).version()).isEqualTo(1);
        assertThat(workflows.deploy("order", ORDER).version()).isEqualTo(1);
        assertThat(workflows.deploy("order", ORDER.replace("3600", "60")).version()).isEqualTo(2);
        assertThat(workflows.workflows()).extracting(v -> v.name() + "@" + v.version()).containsExactly("order@2");
        assertThatThrownBy(() -> workflows.start("nope", json("{}"), Optional.empty())).isInstanceOf(UserError.class)
                .hasMessage("no workflow nope");
        assertThatThrownBy(() -> workflows.execution("order:nope")).isInstanceOf(UserError.class).hasMessage("no execution order:nope");
        assertThatThrownBy(() -> workflows.deploy("Bad_Name", ORDER)).isInstanceOf(UserError.class)
                .hasMessage("workflow name \"Bad_Name\" is not valid");
    }

}
