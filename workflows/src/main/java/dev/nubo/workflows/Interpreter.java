package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.workflows.Journal.Ending;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a state machine from a {@link Cursor}, one step at a time: each step's events and the cursor
 * it leads to are handed to the {@link Journal} <em>before</em> the run acts on them outside (a call, a
 * sleep), so a run resumed from the last recorded cursor repeats at most the work that was in flight
 * (a task is sent again, with the same idempotency key). Steps with no effect outside are recorded
 * with the next one that has one. A step is pure but for the task call, the clock and the
 * pause, which are handed in.
 *
 * <p>A state's data flows as the language says: InputPath → Parameters → (the work) → ResultSelector →
 * ResultPath (onto the state's raw input) → OutputPath. A Task, Parallel or Map that fails is retried
 * by the first retrier whose ErrorEquals matches until its MaxAttempts are spent, then caught by the
 * first matching catcher, or the run fails with the error.
 */
final class Interpreter {

    /** At most this many events wait to be recorded, however long a run of Pass and Choice states is. */
    static final int MAX_PENDING_EVENTS = 256;

    private final Tasks tasks;
    private final InstantSource clock;
    private final Pause pause;
    private final HttpInvoke http = new HttpInvoke();
    private final Children.Starter children;
    private final EventBus bus;
    private volatile WorkflowTracer tracer = WorkflowTracer.NONE;

    Interpreter(Tasks tasks, InstantSource clock, Pause pause) {
        this(tasks, clock, pause, Children.Starter.NONE, EventBus.NONE);
    }

    Interpreter(Tasks tasks, InstantSource clock, Pause pause, Children.Starter children, EventBus bus) {
        this.tasks = tasks;
        this.clock = clock;
        this.pause = pause;
        this.children = children;
        this.bus = bus;
    }

    /** When a token task with HeartbeatSeconds times out if no heartbeat (or answer) comes first. */
    static Optional<Instant> heartbeatDue(State.Task t, JsonNode input, Instant now) {
        java.util.OptionalInt seconds = t.heartbeat(input);
        return seconds.isPresent() ? Optional.of(now.plusSeconds(seconds.getAsInt())) : Optional.empty();
    }

    void tracer(WorkflowTracer tracer) {
        this.tracer = tracer;
    }

    java.time.Instant now() {
        return clock.instant();
    }

    /** What a step does next: record and go on, or record and end. */
    sealed interface Step {
        record Move(List<Event> events, Cursor next) implements Step {}

        record End(List<Event> events, Ending ending) implements Step {}
    }

    Ending run(StateMachine machine, Cursor start, Scope scope, Journal journal) throws InterruptedException {
        return run(machine, start, scope, journal, false);
    }

    /**
     * @param resumed whether {@code start} was read back after a restart: work it shows as sent
     *     (SCHEDULED) but without an outcome is then sent again, and a {@code …Resent} event says so
     */
    Ending run(StateMachine machine, Cursor start, Scope scope, Journal journal, boolean resumed) throws InterruptedException {
        Cursor cursor = start;
        if (resumed && cursor.phase() == Cursor.Phase.SCHEDULED) {
            State state = machine.state(cursor.state());
            if (!journal.step(List.of(Event.of(kind(state) + "Resent", state.name()).with("attempt", cursor.attempts())), cursor)) {
                return new Ending.Stopped();
            }
        }
        // Steps without an effect outside (Pass, Choice, entering a state) are recorded together with the
        // next step that has one, or the end: a crash between them only means computing them again, from
        // the last recorded cursor, to the same result. What has an effect is recorded before it happens.
        List<Event> pending = new ArrayList<>();
        Instant since = clock.instant();  // when the run entered (or resumed in) the state the cursor is in
        while (true) {
            if (!pending.isEmpty() && (effectNext(cursor) || pending.size() >= MAX_PENDING_EVENTS)) {
                if (!journal.step(List.copyOf(pending), cursor)) {
                    return new Ending.Stopped();
                }
                pending.clear();
            }
            if (cursor.phase() == Cursor.Phase.AWAITING) {
                traced(machine, cursor.state(), scope, since, "waiting");
                return new Ending.Suspended(); // no thread waits for a task token: its callback starts a new run
            }
            if (cursor.wakeAt().isPresent()) {
                pause.until(cursor.wakeAt().get());
            }
            State state = machine.state(cursor.state());
            Step step;
            try {
                step = step(state, cursor, scope);
            } catch (StatesError e) {
                step = recover(state, cursor, e, scope);
            }
            switch (step) {
                case Step.Move move -> {
                    pending.addAll(move.events());
                    if (!move.next().state().equals(cursor.state())) {
                        traced(machine, cursor.state(), scope, since, "next");
                        since = clock.instant();
                    }
                    cursor = move.next();
                }
                case Step.End end -> {
                    pending.addAll(end.events());
                    if (!journal.end(List.copyOf(pending), end.ending())) {
                        return new Ending.Stopped();
                    }
                    traced(machine, cursor.state(), scope, since, end.ending());
                    return end.ending();
                }
            }
        }
    }

    private void traced(StateMachine machine, String stateName, Scope scope, Instant since, String outcome) {
        WorkflowTracer t = tracer;
        if (t == WorkflowTracer.NONE) {
            return;
        }
        State state = machine.state(stateName);
        Optional<String> resource = state instanceof State.Task task ? Optional.of(task.resource() instanceof Resource.Service service
                ? service.name() : task.resource().getClass().getSimpleName()) : Optional.empty();
        String type = state instanceof State.MapState ? "Map" : state.getClass().getSimpleName();
        String branch = scope.keyPrefix().equals(scope.executionId()) ? "" : scope.keyPrefix().substring(scope.executionId().length() + 1);
        t.state(new WorkflowTracer.StateRun(scope.executionId(), scope.workflow(), stateName, type, resource, branch, since, clock.instant(),
                outcome));
    }

    /** The last state's span, and the execution's when this run is the execution's own (not a branch's). */
    private void traced(StateMachine machine, String stateName, Scope scope, Instant since, Ending ending) {
        String outcome = ending instanceof Ending.Failed ? "failed" : "succeeded";
        traced(machine, stateName, scope, since, outcome);
        if (tracer != WorkflowTracer.NONE && scope.keyPrefix().equals(scope.executionId())) {
            tracer.execution(new WorkflowTracer.ExecutionRun(scope.executionId(), scope.workflow(), scope.executionName(), scope.startTime(),
                    clock.instant(), ending instanceof Ending.Failed ? "FAILED" : "SUCCEEDED",
                    ending instanceof Ending.Failed f ? f.error() + ": " + f.cause() : ""));
        }
    }

    /** Whether what the run does next from {@code cursor} is seen outside: a call, a sleep, a wait for a token. */
    private static boolean effectNext(Cursor cursor) {
        return cursor.phase() == Cursor.Phase.SCHEDULED || cursor.phase() == Cursor.Phase.AWAITING || cursor.wakeAt().isPresent();
    }

    private Step step(State state, Cursor c, Scope scope) throws InterruptedException {
        JsonNode context = scope.context(c);
        JsonNode effective = c.phase() == Cursor.Phase.ENTERED || c.phase() == Cursor.Phase.SCHEDULED
                ? in(state.io(), c.input(), context, c.variables()) : null;
        if (state.io().query().isPresent() && !(state instanceof State.Task)) {
            return JsonataSteps.step(this, state, c, context);
        }
        return switch (state) {
            case State.Pass p -> {
                JsonNode result = p.result().orElse(effective); // Parameters are in the effective input already
                yield exit(p, c, out(p.io(), c.input(), result, context), new ArrayList<>(), p.next());
            }
            case State.Choice ch -> {
                for (Condition.Branch b : ch.choices()) {
                    if (b.condition().test(effective, context)) {
                        yield exit(ch, c, path(effective, ch.io().outputPath(), context), new ArrayList<>(), Optional.of(b.next()));
                    }
                }
                if (ch.defaultNext().isEmpty()) {
                    throw new StatesError(StatesError.NO_CHOICE, "no choice rule of state \"" + ch.name() + "\" matched, and it has no Default");
                }
                yield exit(ch, c, path(effective, ch.io().outputPath(), context), new ArrayList<>(), ch.defaultNext());
            }
            case State.Wait w -> {
                if (c.phase() == Cursor.Phase.ENTERED) {
                    Instant until = deadline(w, effective, context, c);
                    yield new Step.Move(List.of(Event.of("WaitStarted", w.name()).with("until", until.toString())),
                            c.sleeping(Cursor.Phase.WAITING, until, c.retries()));
                }
                JsonNode output = path(in(w.io(), c.input(), context), w.io().outputPath(), context);
                yield exit(w, c, output, new ArrayList<>(List.of(Event.of("WaitEnded", w.name()))), w.next());
            }
            case State.Succeed s -> {
                JsonNode output = path(effective, s.io().outputPath(), context);
                yield new Step.End(List.of(exited(s, output), Event.of("ExecutionSucceeded").with("output", output)), new Ending.Succeeded(output));
            }
            case State.Fail f -> {
                String error = f.errorPath().map(p -> Paths.read(c.input(), p, context).asText()).or(f::error).orElse("States.Fail");
                String cause = f.causePath().map(p -> Paths.read(c.input(), p, context).asText()).or(f::cause).orElse("");
                yield failed(f, error, cause, new ArrayList<>());
            }
            case State.Task t -> work(t, "Task", c, effective, context, scope);
            case State.Parallel p -> work(p, "Parallel", c, effective, context, scope);
            case State.MapState m -> work(m, "Map", c, effective, context, scope);
        };
    }

    /** Task, Parallel and Map: record that the work is sent, then send it; a crash between the two sends it again. */
    private Step work(State state, String kind, Cursor c, JsonNode effective, JsonNode context, Scope scope) throws InterruptedException {
        JsonNode result;
        if (c.phase() == Cursor.Phase.ANSWERED) {
            JsonNode callback = c.callback().orElseThrow();
            if (callback.has("error")) {
                throw new StatesError(callback.get("error").asText(), callback.path("cause").asText(""));
            }
            result = callback.path("output");
        } else if (c.phase() != Cursor.Phase.SCHEDULED) {
            Cursor next = c.scheduled();
            return new Step.Move(List.of(Event.of(kind + "Scheduled", state.name()).with("attempt", next.attempts())
                    .with("input", effective)), next);
        } else if (state instanceof State.Task t && t.resource().waitForToken()) {
            task(t, c.input(), effective, scope.keyPrefix() + "/" + t.name() + "/" + c.attempts()); // its answer is not the result
            return new Step.Move(List.of(Event.of("TaskSubmitted", state.name()).with("token", c.token(scope.executionId()))),
                    c.awaiting(heartbeatDue(t, c.input(), clock.instant())));
        } else {
            result = switch (state) {
                case State.Task t -> task(t, c.input(), effective, scope.keyPrefix() + "/" + t.name() + "/" + c.attempts());
                case State.Parallel p -> Branches.parallel(this, p, effective, scope);
                case State.MapState m when m.distributed().isPresent() ->
                        DistributedMap.run(this, children, m, effective, context, scope, scope.keyPrefix() + "/" + m.name() + "/" + c.attempts());
                case State.MapState m -> Branches.map(this, m, effective, context, scope);
                default -> throw new IllegalStateException(state.name() + " does no work");
            };
        }
        List<Event> events = new ArrayList<>(List.of(Event.of(kind + "Succeeded", state.name()).with("result", result)));
        if (state.io().query().isPresent()) {
            JsonataSteps.Leaving leaving = JsonataSteps.leave(state, c, JsonataSteps.states(c.input(), context).set("result", result), result);
            return exit(state, c.assigning(leaving.variables()), leaving.output(), events, next(state));
        }
        JsonNode selected = state.io().resultSelector().map(t -> Paths.template(t, result, context)).orElse(result);
        JsonNode output = path(Paths.put(c.input(), state.io().resultPath(), selected), state.io().outputPath(), context);
        return exit(state, c, output, events, next(state));
    }

    private JsonNode task(State.Task t, JsonNode input, JsonNode effective, String key) throws InterruptedException {
        java.util.OptionalInt seconds = t.timeout(input);
        Optional<Duration> timeout = seconds.isPresent() ? Optional.of(Duration.ofSeconds(seconds.getAsInt())) : Optional.empty();
        return switch (t.resource()) {
            case Resource.Service s -> tasks.call(new Tasks.Call(s.name(), effective, key, timeout));
            case Resource.LambdaInvoke l -> {
                String function = effective.path("FunctionName").asText("");
                if (function.isEmpty()) {
                    throw StatesError.runtime("state \"" + t.name() + "\": arn:aws:states:::lambda:invoke needs Parameters.FunctionName");
                }
                String name = Resource.parse(function).filter(r -> r instanceof Resource.Service).map(r -> ((Resource.Service) r).name())
                        .orElse(Resource.serviceName(function));
                JsonNode payload = effective.has("Payload") ? effective.get("Payload") : effective;
                JsonNode answer = tasks.call(new Tasks.Call(name, payload, key, timeout));
                ObjectNode lambda = JsonNodeFactory.instance.objectNode().put("StatusCode", 200).put("ExecutedVersion", "$LATEST");
                lambda.set("Payload", answer);
                yield lambda;
            }
            case Resource.Http h -> http.call(t.name(), effective, key, timeout);
            case Resource.StartExecution s -> Children.call(children, t.name(), s, effective, key);
            case Resource.PutEvents p -> PutEvents.call(bus, t.name(), effective, key);
        };
    }

    /** After a failure: a retry (sleeping until it is due), a catcher's state, or the end of the run. */
    /** Task, Parallel or Map: how the events of a state's work are named; empty for states that do none. */
    private static String kind(State state) {
        return switch (state) {
            case State.Task t -> "Task";
            case State.Parallel p -> "Parallel";
            case State.MapState m -> "Map";
            default -> "";
        };
    }

    Step recover(State state, Cursor c, StatesError e, Scope scope) {
        String kind = kind(state);
        List<Event> events = new ArrayList<>();
        if (kind.isEmpty()) {
            return failed(state, e.error(), e.cause(), events);
        }
        events.add(Event.of(kind + "Failed", state.name()).with("error", e.error()).with("cause", e.cause()).with("attempt", c.attempts()));
        State.Recovery recovery = recovery(state);
        for (int i = 0; i < recovery.retry().size(); i++) {
            Retrier r = recovery.retry().get(i);
            if (e.matches(r.errorEquals())) {
                if (c.retried(i) < r.maxAttempts()) {
                    Duration delay = r.delay(c.retried(i));
                    Instant at = clock.instant().plus(delay);
                    events.add(Event.of("RetryScheduled", state.name()).with("retrier", i).with("retry", c.retried(i) + 1)
                            .with("delayMillis", delay.toMillis()).with("at", at.toString()));
                    return new Step.Move(events, c.sleeping(Cursor.Phase.RETRYING, at, c.retriedOnceMore(i)));
                }
                break; // this retrier is spent; the language consults no other
            }
        }
        for (Catcher catcher : recovery.catchers()) {
            if (e.matches(catcher.errorEquals())) {
                ObjectNode errorOutput = JsonNodeFactory.instance.objectNode().put("Error", e.error()).put("Cause", e.cause());
                events.add(Event.of("CatchTaken", state.name()).with("error", e.error()).with("next", catcher.next()));
                // A JSONata catcher passes on the error output itself; a JSONPath one puts it at its ResultPath.
                JsonNode output = state.io().query().isPresent() ? errorOutput : Paths.put(c.input(), catcher.resultPath(), errorOutput);
                return exit(state, c, output, events, Optional.of(catcher.next()));
            }
        }
        return failed(state, e.error(), e.cause(), events);
    }

    Step exit(State state, Cursor c, JsonNode output, List<Event> events, Optional<String> next) {
        events.add(exited(state, output));
        if (next.isEmpty()) {
            events.add(Event.of("ExecutionSucceeded").with("output", output));
            return new Step.End(events, new Ending.Succeeded(output));
        }
        events.add(Event.of("StateEntered", next.get()).with("input", output));
        return new Step.Move(events, Cursor.enter(next.get(), output, clock.instant()).assigning(c.variables()));
    }

    static Step failed(State state, String error, String cause, List<Event> events) {
        events.add(Event.of("ExecutionFailed", state.name()).with("error", error).with("cause", cause));
        return new Step.End(events, new Ending.Failed(error, cause));
    }

    static Event exited(State state, JsonNode output) {
        return Event.of("StateExited", state.name()).with("output", output);
    }

    Instant deadline(State.Wait w, JsonNode effective, JsonNode context, Cursor c) {
        JsonNode value = w.how().endsWith("Path") ? Paths.read(effective, w.value().asText(), context)
                : Queries.isExpression(w.value()) ? Queries.evaluate(w.value(), JsonataSteps.states(c.input(), context), c.variables()) : w.value();
        if (w.how().startsWith("Seconds")) {
            if (!value.isIntegralNumber() || value.asLong() < 0) {
                throw StatesError.runtime("state \"" + w.name() + "\": SecondsPath must select a whole number of seconds, 0 or more, not " + value);
            }
            return c.enteredAt().plusSeconds(value.asLong());
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw StatesError.runtime("state \"" + w.name() + "\": " + w.how() + " must be an ISO-8601 timestamp, not " + value);
        }
    }

    /** InputPath, then Parameters: the state's effective input; in JSONata, its Arguments (else its input). */
    private static JsonNode in(State.Io io, JsonNode input, JsonNode context, JsonNode variables) {
        if (io.query().isPresent()) {
            return io.query().get().arguments().map(a -> Queries.evaluate(a, JsonataSteps.states(input, context), variables)).orElse(input);
        }
        return in(io, input, context);
    }

    private static JsonNode in(State.Io io, JsonNode input, JsonNode context) {
        JsonNode selected = path(input, io.inputPath(), context);
        return io.parameters().map(t -> Paths.template(t, selected, context)).orElse(selected);
    }

    /** ResultPath onto the raw input, then OutputPath. */
    private static JsonNode out(State.Io io, JsonNode input, JsonNode result, JsonNode context) {
        return path(Paths.put(input, io.resultPath(), result), io.outputPath(), context);
    }

    /** A path that is JSON null selects an empty object. */
    private static JsonNode path(JsonNode doc, Optional<String> path, JsonNode context) {
        return path.map(p -> Paths.read(doc, p, context)).orElseGet(JsonNodeFactory.instance::objectNode);
    }

    private static State.Recovery recovery(State state) {
        return switch (state) {
            case State.Task t -> t.recovery();
            case State.Parallel p -> p.recovery();
            case State.MapState m -> m.recovery();
            default -> new State.Recovery(List.of(), List.of());
        };
    }

    private static Optional<String> next(State state) {
        return switch (state) {
            case State.Task t -> t.next();
            case State.Parallel p -> p.next();
            case State.MapState m -> m.next();
            default -> Optional.empty();
        };
    }
}
