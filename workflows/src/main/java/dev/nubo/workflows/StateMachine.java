package dev.nubo.workflows;

import java.util.Map;

/** A validated state machine (a workflow's definition, or a Parallel branch, or a Map's item processor). */
record StateMachine(String startAt, Map<String, State> states) {

    State state(String name) {
        State s = states.get(name);
        if (s == null) {
            throw StatesError.runtime("no state " + name + " in this definition"); // validation makes this unreachable
        }
        return s;
    }
}
