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

    State state(String name) {
        State s = states.get(name);
        if (s == null) {
            throw StatesError.runtime("no state " + name + " in this definition"); // validation makes this unreachable
        }
        return s;
    }
}
