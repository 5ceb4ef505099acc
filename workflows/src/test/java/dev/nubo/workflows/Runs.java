package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs a definition in memory, as an execution would, keeping its events for assertions. */
final class Runs {

    final ManualClock clock = new ManualClock();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Tasks.Call> calls = new CopyOnWriteArrayList<>();
    /** What each record handed to the journal held: the types of its events. */
    final List<List<String>> records = new CopyOnWriteArrayList<>();
    private final Tasks tasks;
    WorkflowTracer tracer = WorkflowTracer.NONE;

    Runs(Tasks tasks) {
        this.tasks = call -> {
            calls.add(call);
            return tasks.call(call);
        };
    }

    Journal.Ending run(String definition, String input) throws InterruptedException {
        StateMachine machine = Definitions.parse(definition);
        JsonNode in = json(input);
        Scope scope = new Scope("wf:exec-1", "exec-1", in, clock.instant(), "wf", java.util.Optional.empty(), "wf:exec-1");
        Journal journal = new Journal() {
            @Override
            public boolean step(List<Event> e, Cursor next) {
                events.addAll(e);
                records.add(e.stream().map(Event::type).toList());
                return true;
            }

            @Override
            public boolean end(List<Event> e, Journal.Ending ending) {
                events.addAll(e);
                records.add(e.stream().map(Event::type).toList());
                return true;
            }
        };
        Interpreter interpreter = new Interpreter(tasks, clock, clock.pause());
        interpreter.tracer(tracer);
        return interpreter.run(machine, Cursor.enter(machine.startAt(), in, clock.instant()), scope, journal);
    }

    /** The output of a run that must succeed. */
    JsonNode output(String definition, String input) throws InterruptedException {
        Journal.Ending ending = run(definition, input);
        if (ending instanceof Journal.Ending.Succeeded s) {
            return s.output();
        }
        throw new AssertionError("the run ended " + ending + "; events " + types());
    }

    List<String> types() {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.type() + e.state().map(s -> "(" + s + ")").orElse("")));
        return out;
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
