package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.UserError;
import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.WorkflowVersion;
import dev.nubo.workflows.Journal.Ending;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Express executions: each runs on a virtual thread of its own with nothing recorded ({@link Journal#NONE}),
 * so a step costs no write to the store; its outcome goes only to whoever waits for it, and an
 * execution still running when the server stops is lost. Tasks still carry an idempotency key.
 */
final class ExpressRuns {

    private final Interpreter interpreter;
    private final ExecutionCounts counts;
    private final InstantSource clock;

    ExpressRuns(Interpreter interpreter, InstantSource clock, ExecutionCounts counts) {
        this.interpreter = interpreter;
        this.counts = counts;
        this.clock = clock;
    }

    /**
     * Refuses what an express run cannot do: wait for a task token, which needs a durable execution to
     * come back to (Step Functions refuses it for Express workflows too), or run a distributed Map's items
     * as recorded (STANDARD) children.
     */
    static void check(StateMachine machine) {
        machine.states().values().forEach(state -> {
            if (state instanceof State.Task task && task.resource().waitForToken()) {
                throw UserError.badRequest("workflow.invalid", "state \"" + state.name() + "\": Resource " + Resource.WAIT_FOR_TOKEN
                        + " is not available in an express workflow: its executions are not recorded, so nothing can wait for a token",
                        "deploy the workflow as type: standard, or call the service without " + Resource.WAIT_FOR_TOKEN);
            }
            if (state instanceof State.MapState map && map.distributed().filter(d -> !d.express()).isPresent()) {
                throw UserError.badRequest("workflow.invalid", "state \"" + state.name() + "\": ItemProcessor.ProcessorConfig.ExecutionType"
                        + " STANDARD is not available in an express workflow: its items would be recorded children of an execution that is not",
                        "deploy the workflow as type: standard, or give the Map ExecutionType EXPRESS");
            }
        });
    }

    /** An express execution as it started (RUNNING), and its record once it ended. */
    record Started(ExecutionRecord record, CompletableFuture<ExecutionRecord> outcome) {

        /** The run's record once it ended, or as it started (RUNNING) if it has not within {@code wait}. */
        ExecutionRecord await(Duration wait) throws InterruptedException {
            try {
                return outcome.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return record;
            } catch (ExecutionException e) {
                throw new IllegalStateException("an express run's outcome is always completed normally", e);
            }
        }
    }

    /** Starts the run, on a virtual thread kept in {@code threads} while it runs (for the server's close to interrupt). */
    Started start(WorkflowVersion version, StateMachine machine, String id, String name, JsonNode input, Map<String, Thread> threads) {
        Instant now = clock.instant();
        ExecutionRecord started = new ExecutionRecord(id, version.name(), version.version(), name, ExecutionStatus.RUNNING.name(),
                input.toString(), Optional.empty(), Optional.empty(), Optional.empty(), "{}", 0, now, Optional.empty());
        CompletableFuture<ExecutionRecord> outcome = new CompletableFuture<>();
        Scope scope = new Scope(id, name, input, now, version.name(), Optional.empty(), id);
        Thread thread = Thread.ofVirtual().name("workflow-express-" + id).unstarted(() -> {
            try {
                Ending ending = interpreter.run(machine, Cursor.enter(machine.startAt(), input, now), scope, Journal.NONE);
                outcome.complete(ended(started, ending));
            } catch (InterruptedException e) {
                outcome.complete(ended(started, new Ending.Failed("States.Runtime", "the server stopped during the express execution")));
            } catch (RuntimeException e) {
                outcome.complete(ended(started, new Ending.Failed("States.Runtime", "Nubo failed running the express execution: " + e)));
            } finally {
                threads.remove(id, Thread.currentThread());
            }
        });
        threads.put(id, thread);
        // The state machine's TimeoutSeconds, on the wall clock (an express run has no record for the watcher to read).
        machine.timeoutSeconds().ifPresent(limit -> {
            outcome.completeOnTimeout(new ExecutionRecord(id, version.name(), version.version(), name, ExecutionStatus.TIMED_OUT.name(),
                    started.input(), Optional.empty(), Optional.of(StatesError.TIMEOUT),
                    Optional.of("the execution ran longer than its TimeoutSeconds (" + limit + ")"), "{}", 0, now,
                    Optional.of(now.plusSeconds(limit))), limit, TimeUnit.SECONDS);
            outcome.thenAccept(r -> {
                if (r.status().equals(ExecutionStatus.TIMED_OUT.name())) {
                    thread.interrupt();
                }
            });
        });
        counts.started(version.name());
        outcome.thenAccept(r -> counts.ended(version.name(), ExecutionStatus.valueOf(r.status())));  // once: the outcome completes once
        thread.start();
        return new Started(started, outcome);
    }

    private ExecutionRecord ended(ExecutionRecord started, Ending ending) {
        Instant now = clock.instant();
        return switch (ending) {
            case Ending.Succeeded s -> new ExecutionRecord(started.id(), started.workflow(), started.version(), started.name(),
                    ExecutionStatus.SUCCEEDED.name(), started.input(), Optional.of(s.output().toString()), Optional.empty(), Optional.empty(),
                    "{}", 0, started.startedAt(), Optional.of(now));
            case Ending.Failed f -> new ExecutionRecord(started.id(), started.workflow(), started.version(), started.name(),
                    ExecutionStatus.FAILED.name(), started.input(), Optional.empty(), Optional.of(f.error()), Optional.of(f.cause()),
                    "{}", 0, started.startedAt(), Optional.of(now));
            case Ending.Stopped s -> throw new IllegalStateException("nothing stops an express run but the server");
            case Ending.Suspended s -> throw new IllegalStateException("an express run never waits for a token: check() refuses it");
        };
    }
}
