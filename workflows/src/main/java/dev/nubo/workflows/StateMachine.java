package dev.nubo.workflows;

import java.util.Map;
import java.util.OptionalInt;

/**
 * A validated state machine (a workflow's definition, or a Parallel branch, or a Map's item processor).
 * {@code timeoutSeconds}, the definition's own {@code TimeoutSeconds}, bounds a whole execution.
 */
record StateMachine(String startAt, Map<String, State> states, OptionalInt timeoutSeconds) {

    StateMachine(String startAt, Map<String, State> states) {
        this(startAt, states, OptionalInt.empty());
    }

    /** The machine, this or one nested in a Parallel branch or a Map's item processor, whose states include {@code name}. */
    java.util.Optional<StateMachine> holding(String name) {
        if (states.containsKey(name)) {
            return java.util.Optional.of(this);
        }
        for (State s : states.values()) {
            java.util.List<StateMachine> inner = switch (s) {
                case State.Parallel p -> p.branches();
                case State.MapState m -> java.util.List.of(m.processor());
                default -> java.util.List.of();
            };
            for (StateMachine m : inner) {
                java.util.Optional<StateMachine> found = m.holding(name);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return java.util.Optional.empty();
    }

    State state(String name) {
        State s = states.get(name);
        if (s == null) {
            throw StatesError.runtime("no state " + name + " in this definition"); // validation makes this unreachable
        }
        return s;
    }
}
