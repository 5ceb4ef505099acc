package dev.nubo.workflows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transitions of one state machine (Next, Default, each Choice's Next, each Catch's Next): each must
 * name a state of the same machine (a branch cannot jump out), and every state must be reachable from
 * StartAt, as Step Functions also requires.
 */
final class Transitions {

    private Transitions() {}

    static void check(StateMachine machine, String where) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (State s : machine.states().values()) {
            Map<String, String> targets = targets(s);
            targets.forEach((field, target) -> {
                if (!machine.states().containsKey(target)) {
                    throw Definitions.invalid(where + "state \"" + s.name() + "\": " + field + " \"" + target
                            + "\" names no state of this state machine; its states are " + machine.states().keySet());
                }
            });
            edges.put(s.name(), new ArrayList<>(targets.values()));
        }
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(machine.startAt()));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (reached.add(name)) {
                todo.addAll(edges.get(name));
            }
        }
        for (String name : machine.states().keySet()) {
            if (!reached.contains(name)) {
                throw Definitions.invalid(where + "state \"" + name + "\" can never run: no Next, Default, Choices or Catch leads to it "
                        + "from StartAt \"" + machine.startAt() + "\"; remove it or name it");
            }
        }
    }

    /** Each transition of {@code s}, by the field that names it. */
    private static Map<String, String> targets(State s) {
        Map<String, String> out = new LinkedHashMap<>();
        switch (s) {
            case State.Pass p -> p.next().ifPresent(n -> out.put("Next", n));
            case State.Wait w -> w.next().ifPresent(n -> out.put("Next", n));
            case State.Task t -> {
                t.next().ifPresent(n -> out.put("Next", n));
                catches(t.recovery(), out);
            }
            case State.Parallel p -> {
                p.next().ifPresent(n -> out.put("Next", n));
                catches(p.recovery(), out);
            }
            case State.MapState m -> {
                m.next().ifPresent(n -> out.put("Next", n));
                catches(m.recovery(), out);
            }
            case State.Choice c -> {
                for (int i = 0; i < c.choices().size(); i++) {
                    out.put("Choices[" + i + "].Next", c.choices().get(i).next());
                }
                c.defaultNext().ifPresent(n -> out.put("Default", n));
            }
            case State.Succeed x -> { }
            case State.Fail x -> { }
        }
        return out;
    }

    private static void catches(State.Recovery recovery, Map<String, String> out) {
        for (int i = 0; i < recovery.catchers().size(); i++) {
            out.put("Catch[" + i + "].Next", recovery.catchers().get(i).next());
        }
    }
}
