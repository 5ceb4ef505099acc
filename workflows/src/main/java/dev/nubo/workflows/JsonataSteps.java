package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import dev.nubo.workflows.Interpreter.Step;
import dev.nubo.workflows.Journal.Ending;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The states that do no work (Pass, Choice, Wait, Succeed, Fail) in JSONata: each passes on its
 * {@code Output} (by default its input) and sets its {@code Assign} variables, both evaluated with the
 * same bindings (the variables as they were when the state was entered, as Step Functions does). A
 * JSONata Task is run by the {@link Interpreter} with the others, and leaves through {@link #leave}.
 */
final class JsonataSteps {

    /** A state's output and the variables its Assign sets. */
    record Leaving(JsonNode output, JsonNode variables) {}

    private JsonataSteps() {}

    /** {@code $states} without a result: {@code input} and {@code context}. */
    static ObjectNode states(JsonNode input, JsonNode context) {
        ObjectNode states = Json.mapper().createObjectNode();
        states.set("input", input);
        states.set("context", context);
        return states;
    }

    static Leaving leave(State state, Cursor c, JsonNode states, JsonNode byDefault) {
        State.Query q = state.io().query().orElseThrow();
        JsonNode output = q.output().map(o -> Queries.evaluate(o, states, c.variables())).orElse(byDefault);
        JsonNode assigned = q.assign().map(a -> Queries.evaluate(a, states, c.variables())).orElseGet(Json.mapper()::createObjectNode);
        return new Leaving(output, assigned);
    }

    static Step step(Interpreter interpreter, State state, Cursor c, JsonNode context) {
        ObjectNode states = states(c.input(), context);
        return switch (state) {
            case State.Pass p -> move(interpreter, p, c, states, p.next(), new ArrayList<>());
            case State.Choice ch -> {
                for (Condition.Branch b : ch.choices()) {
                    boolean holds = b.condition() instanceof Condition.Query q ? q.holds(states, c.variables()) : b.condition().test(c.input(), context);
                    if (holds) {
                        yield move(interpreter, ch, c, states, Optional.of(b.next()), new ArrayList<>());
                    }
                }
                if (ch.defaultNext().isEmpty()) {
                    throw new StatesError(StatesError.NO_CHOICE, "no choice rule of state \"" + ch.name() + "\" matched, and it has no Default");
                }
                yield move(interpreter, ch, c, states, ch.defaultNext(), new ArrayList<>());
            }
            case State.Wait w -> {
                if (c.phase() == Cursor.Phase.ENTERED) {
                    Instant until = interpreter.deadline(w, c.input(), context, c);
                    yield new Step.Move(List.of(Event.of("WaitStarted", w.name()).with("until", until.toString())),
                            c.sleeping(Cursor.Phase.WAITING, until, c.retries()));
                }
                yield move(interpreter, w, c, states, w.next(), new ArrayList<>(List.of(Event.of("WaitEnded", w.name()))));
            }
            case State.Succeed s -> {
                JsonNode output = leave(s, c, states, c.input()).output();
                yield new Step.End(List.of(Interpreter.exited(s, output), Event.of("ExecutionSucceeded").with("output", output)),
                        new Ending.Succeeded(output));
            }
            case State.Fail f -> Interpreter.failed(f, text(f.error(), states, c, "States.Fail"), text(f.cause(), states, c, ""),
                    new ArrayList<>());
            default -> throw new IllegalStateException(state.name() + " is not run in JSONata here");
        };
    }

    private static Step move(Interpreter interpreter, State state, Cursor c, JsonNode states, Optional<String> next, List<Event> events) {
        Leaving leaving = leave(state, c, states, c.input());
        return interpreter.exit(state, c.assigning(leaving.variables()), leaving.output(), events, next);
    }

    private static String text(Optional<String> field, JsonNode states, Cursor c, String byDefault) {
        if (field.isEmpty()) {
            return byDefault;
        }
        JsonNode value = Queries.evaluate(Json.mapper().getNodeFactory().textNode(field.get()), states, c.variables());
        return value.isTextual() ? value.asText() : value.toString();
    }
}
