package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.HistoryEvent;
import dev.nubo.store.WorkflowLog;
import dev.nubo.store.WorkflowVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable workflows: definitions in the Amazon States Language, validated when deployed and kept as
 * immutable versions; executions that run on virtual threads and record every step in the store
 * before acting on it, so that {@link #resumeAll()} after a crash continues each from its last
 * recorded step (a Wait keeps its deadline; a task whose outcome was not recorded is sent again,
 * with the same {@code Nubo-Idempotency-Key}).
 *
 * <pre>{@code
 * Workflows workflows = Workflows.open(store.workflows(), Tasks.throughGateway("127.0.0.1", 8080, "localhost"), clock);
 * workflows.resumeAll();
 * workflows.deploy("orders", aslJson);
 * ExecutionRecord e = workflows.start("orders", input, Optional.of("order-42")).record(); // id "orders:order-42"
 * }</pre>
 *
 * The caller's mistakes (a bad definition, an unknown workflow or execution) are {@link UserError}s
 * whose messages name the state and the field.
 */
public final class Workflows implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workflows.class);
    private static final Pattern WORKFLOW_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern EXECUTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    private final WorkflowLog log;
    private final InstantSource clock;
    private final Interpreter interpreter;
    private final ExecutionCounts counts = new ExecutionCounts();
    private final ExpressRuns express;
    private final Map<String, StateMachine> machines = new ConcurrentHashMap<>();
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile Optional<Thread> heartbeats = Optional.empty();

    Workflows(WorkflowLog log, Tasks tasks, InstantSource clock, Pause pause) {
        this(log, tasks, clock, pause, EventBus.NONE);
    }

    Workflows(WorkflowLog log, Tasks tasks, InstantSource clock, Pause pause, EventBus bus) {
        this.log = log;
        this.clock = clock;
        this.interpreter = new Interpreter(tasks, clock, pause, new Children.Starter() {
            @Override
            public ExecutionRecord start(String workflow, JsonNode input, String name, boolean sync) throws InterruptedException {
                return startChild(workflow, input, name, sync);
            }

            @Override
            public ExecutionRecord item(String parentId, StateMachine processor, JsonNode input, String name) throws InterruptedException {
                return startItem(parentId, processor, input, name);
            }

            @Override
            public void abandon(String childId) {
                abandonItem(childId);
            }
        }, bus);
        this.express = new ExpressRuns(interpreter, clock, counts);
    }

    public static Workflows open(WorkflowLog log, Tasks tasks, InstantSource clock) {
        return open(log, tasks, clock, EventBus.NONE);
    }

    /** As {@link #open(WorkflowLog, Tasks, InstantSource)}, with {@code events:putEvents} tasks publishing into {@code bus}. */
    public static Workflows open(WorkflowLog log, Tasks tasks, InstantSource clock, EventBus bus) {
        Workflows workflows = new Workflows(log, tasks, clock, Pause.on(clock), bus);
        workflows.watchHeartbeats();
        return workflows;
    }

    /** Checks the heartbeat deadlines of token tasks every second, until closed (one virtual thread). */
    private void watchHeartbeats() {
        heartbeats = Optional.of(Thread.ofVirtual().name("workflow-heartbeats").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                    timeOutHeartbeats();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("checking the heartbeats of token tasks failed; trying again in a second: {}", e.toString());
                }
            }
        }));
    }

    /**
     * Executions started and ended on this server since it started, per workflow: {@code started}, then
     * {@code succeeded}, {@code failed}, {@code timed_out} and {@code aborted} (for /metrics).
     */
    public java.util.Map<String, java.util.Map<String, Long>> executionCounts() {
        return counts.snapshot();
    }

    /** Tells {@code tracer} of every state run and every execution ended from now on (off by default). */
    public void tracer(WorkflowTracer tracer) {
        interpreter.tracer(tracer);
    }

    /** Validates {@code definition} (ASL, JSON or YAML) and stores it as the workflow's next version (the same text: the same version). */
    public WorkflowVersion deploy(String name, String definition) {
        return deploy(name, definition, WorkflowType.STANDARD, false);
    }

    /**
     * As {@link #deploy(String, String)}, as a workflow of {@code type}, which the gateway starts
     * synchronously at its own host name when {@code http} (docs/WORKFLOWS.md, "On the gateway").
     */
    public WorkflowVersion deploy(String name, String definition, WorkflowType type, boolean http) {
        if (!WORKFLOW_NAME.matcher(name).matches()) {
            throw UserError.badRequest("workflow.name", "workflow name \"" + name + "\" is not valid",
                    "use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit");
        }
        StateMachine machine = Definitions.parse(definition);
        if (type == WorkflowType.EXPRESS) {
            ExpressRuns.check(machine);
        }
        return log.deploy(name, definition, type.text(), http, clock.instant());
    }

    public List<WorkflowVersion> workflows() {
        return log.workflows();
    }

    public WorkflowVersion workflow(String name) {
        return log.workflow(name).orElseThrow(() -> UserError.notFound("workflow.not_found", "no workflow " + name,
                "`nubo workflow list` shows the workflows; `nubo workflow deploy DIR` makes one"));
    }

    /**
     * Starts an execution of the newest version of {@code workflow}, named {@code name} (a random one
     * when empty); a name the workflow already used returns that execution, unchanged and not restarted.
     */
    public WorkflowLog.Started start(String workflow, JsonNode input, Optional<String> name) {
        String executionName = executionName(name);
        WorkflowVersion version = workflow(workflow);
        StateMachine machine = machine(workflow, version.version());
        Instant now = clock.instant();
        String id = workflow + ":" + executionName;
        if (WorkflowType.of(version.type()) == WorkflowType.EXPRESS) {
            return new WorkflowLog.Started(express.start(version, machine, id, executionName, input, running).record(), true);
        }
        return recordAndLaunch(workflow, version.version(), machine, executionName, input);
    }

    /** A standard execution of {@code machine} (a workflow, or a distributed Map's item processor) recorded, then run; or the one of that name. */
    private WorkflowLog.Started recordAndLaunch(String workflow, int version, StateMachine machine, String executionName, JsonNode input) {
        Instant now = clock.instant();
        Cursor first = Cursor.enter(machine.startAt(), input, now);
        ExecutionRecord record = new ExecutionRecord(workflow + ":" + executionName, workflow, version, executionName,
                ExecutionStatus.RUNNING.name(), input.toString(), Optional.empty(), Optional.empty(), Optional.empty(), first.json(), 0, now,
                Optional.empty());
        WorkflowLog.Started started = log.start(record, List.of(
                new WorkflowLog.NewEvent(now, "ExecutionStarted", Optional.empty(),
                        Event.of("ExecutionStarted").with("input", input).with("version", version).detail().toString()),
                new WorkflowLog.NewEvent(now, "StateEntered", Optional.of(machine.startAt()),
                        Event.of("StateEntered").with("input", input).detail().toString())));
        if (started.created()) {
            counts.started(workflow);
            launch(started.record());
        }
        return started;
    }

    /**
     * A distributed Map's STANDARD item: an execution of the parent's workflow and version that starts in
     * the item processor (its cursor names the processor's states, so {@link #machineOf} finds the
     * processor again after a restart), returned once it ended.
     */
    private ExecutionRecord startItem(String parentId, StateMachine processor, JsonNode input, String name) throws InterruptedException {
        ExecutionRecord parent = log.execution(parentId).orElseThrow(() -> StatesError.runtime(
                "a distributed Map with STANDARD items runs only in a recorded execution; " + parentId + " is not one"));
        return finished(recordAndLaunch(parent.workflow(), parent.version(), processor, name, input).record());
    }

    /** Stops an item its Map no longer waits for; one that ended meanwhile stays as it ended. Not when the server closes: it resumes then. */
    private void abandonItem(String childId) {
        if (closed) {
            return;
        }
        try {
            stop(childId, Optional.of("States.Aborted"), Optional.of("its distributed Map no longer waits for it"));
        } catch (UserError notStartedYet) {
            // the Map stopped before this child was recorded: there is nothing to stop
        }
    }

    public ExecutionRecord execution(String id) {
        return log.execution(id).orElseThrow(() -> UserError.notFound("execution.not_found", "no execution " + id,
                express(id) ? "the workflow is express: its executions run in memory and are not recorded; start it with a wait"
                        + " (`nubo workflow start NAME --wait`, or through the gateway) to get its outcome"
                        : "`nubo workflow executions WORKFLOW` lists a workflow's executions"));
    }

    private boolean express(String executionId) {
        int colon = executionId.indexOf(':');
        return colon > 0 && log.workflow(executionId.substring(0, colon))
                .filter(v -> WorkflowType.of(v.type()) == WorkflowType.EXPRESS).isPresent();
    }

    /**
     * Starts an execution as {@link #start} does and waits up to {@code wait} for its run on this node
     * to end (succeeded, failed, or suspended for a task token): a synchronous start of a short
     * workflow. An express execution is only known to its caller, so this is how to get its outcome.
     */
    public WorkflowLog.Started start(String workflow, JsonNode input, Optional<String> name, Duration wait) throws InterruptedException {
        return start(workflow(workflow), input, name, wait);
    }

    /** As {@link #start(String, JsonNode, Optional, Duration)}, of a version the caller has just read (for an express one: no store read at all). */
    public WorkflowLog.Started start(WorkflowVersion version, JsonNode input, Optional<String> name, Duration wait) throws InterruptedException {
        String workflow = version.name();
        if (WorkflowType.of(version.type()) == WorkflowType.EXPRESS) {
            String executionName = executionName(name);
            return new WorkflowLog.Started(express.start(version, machine(workflow, version.version()), workflow + ":" + executionName,
                    executionName, input, running).await(wait), true);
        }
        WorkflowLog.Started started = start(workflow, input, name);
        if (!started.record().status().equals(ExecutionStatus.RUNNING.name())) {
            return started;
        }
        return new WorkflowLog.Started(await(started.record().id(), wait), started.created());
    }

    /**
     * A {@code states:startExecution} task's child: started (or found by its name); with {@code sync},
     * returned once it ended. A child waiting for a task token holds no thread, so it is looked at again
     * every second meanwhile.
     */
    private ExecutionRecord startChild(String workflow, JsonNode input, String name, boolean sync) throws InterruptedException {
        WorkflowVersion version;
        try {
            version = workflow(workflow);
        } catch (UserError e) {
            throw new StatesError(StatesError.TASK_FAILED, e.getMessage());
        }
        if (!sync) {
            return start(workflow, input, Optional.of(name)).record();
        }
        ExecutionRecord child = start(version, input, Optional.of(name), Duration.ofMinutes(1)).record();
        if (WorkflowType.of(version.type()) == WorkflowType.EXPRESS && child.status().equals(ExecutionStatus.RUNNING.name())) {
            throw new StatesError(StatesError.TIMEOUT, "express execution " + child.id() + " did not end within a minute");
        }
        return finished(child);
    }

    /** A standard execution once it ended. One not running on this node (waiting for a token, or not resumed yet) is looked at every second. */
    private ExecutionRecord finished(ExecutionRecord child) throws InterruptedException {
        while (child.status().equals(ExecutionStatus.RUNNING.name())) {
            if (!running.containsKey(child.id())) {
                child = execution(child.id()); // its run may have ended just now
                if (!child.status().equals(ExecutionStatus.RUNNING.name())) {
                    break;
                }
                Thread.sleep(Duration.ofSeconds(1));
            }
            child = await(child.id(), Duration.ofMinutes(1));
        }
        return child;
    }

    private static String executionName(Optional<String> name) {
        String executionName = name.orElseGet(() -> UUID.randomUUID().toString());
        if (!EXECUTION_NAME.matcher(executionName).matches()) {
            throw UserError.badRequest("execution.name", "execution name \"" + executionName + "\" is not valid",
                    "use 1 to 80 letters, digits, hyphens and underscores");
        }
        return executionName;
    }

    /** A workflow's executions, newest first. */
    public List<ExecutionRecord> executions(String workflow, int limit) {
        workflow(workflow);
        return log.executions(workflow, limit);
    }

    public List<HistoryEvent> history(String id) {
        execution(id);
        return log.history(id);
    }

    /** The state a running execution is in (what its cursor names); empty once it ended. */
    public static Optional<String> currentState(ExecutionRecord record) {
        if (!record.status().equals(ExecutionStatus.RUNNING.name())) {
            return Optional.empty();
        }
        return Optional.of(Cursor.parse(record.cursor()).state());
    }

    /** Stops a running execution: it is ABORTED with {@code error} and {@code cause}; a finished one is returned as it is. */
    public ExecutionRecord stop(String id, Optional<String> error, Optional<String> cause) {
        return end(id, ExecutionStatus.ABORTED, "ExecutionAborted", error, cause);
    }

    /** Ends a running execution from outside its run (a stop, its TimeoutSeconds): recorded, and its run interrupted. */
    private ExecutionRecord end(String id, ExecutionStatus to, String eventType, Optional<String> error, Optional<String> cause) {
        for (int tries = 0; tries < 10; tries++) {
            ExecutionRecord record = execution(id);
            ExecutionStatus status = ExecutionStatus.valueOf(record.status());
            if (status.isFinal()) {
                return record;
            }
            status.to(to);
            Instant now = clock.instant();
            String detail = Event.of(eventType).with("error", error.orElse("")).with("cause", cause.orElse("")).detail().toString();
            if (log.advance(id, status.name(), record.events(), List.of(new WorkflowLog.NewEvent(now, eventType, Optional.empty(), detail)),
                    new WorkflowLog.Progress(to.name(), record.cursor(), Optional.empty(), error, cause, Optional.of(now)))) {
                counts.ended(record.workflow(), to);
                Thread run = running.remove(id);
                if (run != null) {
                    run.interrupt();
                }
                return execution(id);
            }
        }
        throw new IllegalStateException("execution " + id + " kept changing while it was being ended " + to);
    }

    /**
     * Sends a {@code .waitForTaskToken} task's outcome back: {@code {"output": …}} (task-success) or
     * {@code {"error": …, "cause": …}} (task-failure). It is recorded, and the execution goes on from it
     * at once, as it would have with the service's answer. A token that is not awaited (wrong, already
     * answered, or its execution stopped) is a 409 {@code task.not_awaited} saying which.
     */
    public ExecutionRecord callback(String token, JsonNode outcome) {
        TaskToken t = TaskToken.parse(token).orElseThrow(() -> UserError.badRequest("task.token", "\"" + token + "\" is not a task token",
                "send the token the task got as $$.Task.Token, whole"));
        for (int tries = 0; tries < 10; tries++) {
            ExecutionRecord record = execution(t.execution());
            Optional<Cursor> cursor = record.status().equals(ExecutionStatus.RUNNING.name()) ? Optional.of(Cursor.parse(record.cursor()))
                    : Optional.empty();
            // SCHEDULED too: a service may call back before its answer to the call that gave it the token is recorded.
            boolean awaited = cursor.filter(c -> c.state().equals(t.state()) && c.attempts() == t.attempt()
                    && (c.phase() == Cursor.Phase.AWAITING || c.phase() == Cursor.Phase.SCHEDULED)).isPresent();
            if (!awaited) {
                throw UserError.conflict("task.not_awaited", "execution " + t.execution() + " does not wait for this token (state "
                        + t.state() + ", attempt " + t.attempt() + "): it is " + record.status()
                        + cursor.map(c -> " in state " + c.state() + ", phase " + c.phase() + ", attempt " + c.attempts()).orElse(""),
                        "a token is answered once, by the attempt that got it; `nubo workflow history " + t.execution() + "` shows what happened");
            }
            Cursor answered = cursor.get().answered(outcome);
            Instant now = clock.instant();
            String detail = Event.of("CallbackReceived").with("outcome", outcome).detail().toString();
            if (log.advance(record.id(), record.status(), record.events(), List.of(new WorkflowLog.NewEvent(now, "CallbackReceived",
                    Optional.of(t.state()), detail)), new WorkflowLog.Progress(ExecutionStatus.RUNNING.name(), answered.json(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))) {
                ExecutionRecord updated = execution(record.id());
                launch(updated); // a run still in the call that handed out the token finds the history moved, and ends
                return updated;
            }
        }
        throw new IllegalStateException("execution " + t.execution() + " kept changing while a callback was recorded");
    }

    /**
     * A heartbeat of a task that waits for {@code token}: checks that it is awaited, and for a task with
     * {@code HeartbeatSeconds} records it ({@code TaskHeartbeat}) and moves its deadline that far from now.
     */
    public ExecutionRecord heartbeat(String token) {
        TaskToken t = TaskToken.parse(token).orElseThrow(() -> UserError.badRequest("task.token", "\"" + token + "\" is not a task token",
                "send the token the task got as $$.Task.Token, whole"));
        for (int tries = 0; tries < 10; tries++) {
            ExecutionRecord record = execution(t.execution());
            if (!currentState(record).equals(Optional.of(t.state()))) {
                throw UserError.conflict("task.not_awaited", "execution " + t.execution() + " does not wait for this token: it is "
                        + record.status() + currentState(record).map(s -> " in state " + s).orElse(""), "a heartbeat is only for a task that waits");
            }
            Cursor c = Cursor.parse(record.cursor());
            Optional<Instant> due = machine(record.workflow(), record.version()).states().get(t.state()) instanceof State.Task task
                    ? Interpreter.heartbeatDue(task, c.input(), clock.instant()) : Optional.empty();
            if (c.phase() != Cursor.Phase.AWAITING || c.attempts() != t.attempt() || due.isEmpty()) {
                return record;
            }
            if (log.advance(record.id(), record.status(), record.events(), List.of(new WorkflowLog.NewEvent(clock.instant(), "TaskHeartbeat",
                    Optional.of(t.state()), Event.of("TaskHeartbeat").with("until", due.get().toString()).detail().toString())),
                    new WorkflowLog.Progress(ExecutionStatus.RUNNING.name(), c.awaiting(due).json(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty()))) {
                return execution(record.id());
            }
        }
        throw new IllegalStateException("execution " + t.execution() + " kept changing while a heartbeat was recorded");
    }

    /**
     * Ends, {@code TIMED_OUT}, every execution past its state machine's {@code TimeoutSeconds}; and fails,
     * with {@code States.HeartbeatTimeout}, every task that waits for its token past its heartbeat
     * deadline (HeartbeatSeconds after it was handed out or last heard of), whose Retry and Catch apply as to
     * any failure. Called every second by the server's watcher, and by tests after moving their clock.
     *
     * @return how many timed out
     */
    int timeOutHeartbeats() {
        Instant now = clock.instant();
        int timedOut = 0;
        for (ExecutionRecord record : log.executionsIn(ExecutionStatus.RUNNING.name())) {
            // The state machine's own TimeoutSeconds, from the execution's start: TIMED_OUT with States.Timeout.
            java.util.OptionalInt limit = machineOf(record).timeoutSeconds();
            if (limit.isPresent() && !record.startedAt().plusSeconds(limit.getAsInt()).isAfter(now)) {
                end(record.id(), ExecutionStatus.TIMED_OUT, "ExecutionTimedOut", Optional.of(StatesError.TIMEOUT),
                        Optional.of("the execution ran longer than its TimeoutSeconds (" + limit.getAsInt() + ")"));
                timedOut++;
                continue;
            }
            Cursor c = Cursor.parse(record.cursor());
            if (c.phase() != Cursor.Phase.AWAITING || c.wakeAt().filter(due -> !due.isAfter(now)).isEmpty()) {
                continue;
            }
            try {
                callback(c.token(record.id()), Json.mapper().createObjectNode().put("error", StatesError.HEARTBEAT_TIMEOUT)
                        .put("cause", "no heartbeat or answer for the task token since " + c.wakeAt().get().minusSeconds(
                                heartbeatSeconds(record, c.state())) + " (HeartbeatSeconds " + heartbeatSeconds(record, c.state()) + ")"));
                timedOut++;
            } catch (UserError answeredMeanwhile) {
                // a heartbeat or an answer came in between: nothing to time out
            }
        }
        return timedOut;
    }

    private long heartbeatSeconds(ExecutionRecord record, String state) {
        return machine(record.workflow(), record.version()).states().get(state) instanceof State.Task t
                ? t.heartbeat(Cursor.parse(record.cursor()).input()).orElse(0) : 0;
    }

    /** Continues every execution that was running when the server last stopped (or crashed). */
    public void resumeAll() {
        // Distributed Map items first (their cursor is in an item processor, not at a top-level state), so a
        // resumed parent finds its children running on this node instead of looking for them every second.
        log.executionsIn(ExecutionStatus.RUNNING.name()).stream()
                .sorted(java.util.Comparator.comparing((ExecutionRecord r) -> machine(r.workflow(), r.version()).states()
                        .containsKey(Cursor.parse(r.cursor()).state())))
                .forEach(record -> launch(record, true));
    }

    private void launch(ExecutionRecord record) {
        launch(record, false);
    }

    private void launch(ExecutionRecord record, boolean resumed) {
        if (closed) {
            return;
        }
        StateMachine machine = machineOf(record);
        Scope scope = new Scope(record.id(), record.name(), parse(record.input()), record.startedAt(), record.workflow(), Optional.empty(),
                record.id());
        Thread thread = Thread.ofVirtual().name("workflow-" + record.id()).unstarted(() -> {
            try {
                Journal.Ending ending = interpreter.run(machine, Cursor.parse(record.cursor()), scope, new Run(log, clock, record), resumed);
                if (ending instanceof Journal.Ending.Succeeded || ending instanceof Journal.Ending.Failed) {
                    counts.ended(record.workflow(), ending instanceof Journal.Ending.Succeeded ? ExecutionStatus.SUCCEEDED : ExecutionStatus.FAILED);
                }
            } catch (InterruptedException e) {
                // stopped, or the server is closing: what is recorded is where it resumes
            } catch (RuntimeException e) {
                LOG.error("execution {} failed in Nubo itself; it continues from its last recorded step when the server starts again",
                        record.id(), e);
            } finally {
                running.remove(record.id(), Thread.currentThread());
            }
        });
        running.put(record.id(), thread);
        thread.start();
    }

    /**
     * The execution once its run on this node ended (succeeded, failed, or suspended for a task token),
     * or as it is after {@code timeout}: a synchronous start of a short workflow.
     */
    public ExecutionRecord await(String id, Duration timeout) throws InterruptedException {
        awaitRun(id, timeout);
        return execution(id);
    }

    /** Waits for the run of {@code id} in this process to end, if there is one (for tests). */
    boolean awaitRun(String id, Duration timeout) throws InterruptedException {
        Thread t = running.get(id);
        return t == null || t.join(timeout);
    }

    private StateMachine machine(String workflow, int version) {
        return machines.computeIfAbsent(workflow + ":" + version, k -> Definitions.parse(log.workflow(workflow, version)
                .orElseThrow(() -> new IllegalStateException("workflow " + k + " is missing from the store")).definition()));
    }

    /** The state machine a running execution runs: its workflow's, or a distributed Map's item processor in it. */
    private StateMachine machineOf(ExecutionRecord record) {
        StateMachine machine = machine(record.workflow(), record.version());
        return machine.holding(Cursor.parse(record.cursor()).state()).orElse(machine);
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored input is JSON Nubo wrote", e);
        }
    }

    /** Interrupts every run; each continues from its last recorded step when the server starts again. */
    @Override
    public void close() {
        closed = true;
        heartbeats.ifPresent(Thread::interrupt);
        running.values().forEach(Thread::interrupt);
        for (Thread t : running.values()) {
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
