package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of a state in JSONata ({@code QueryLanguage: JSONata}, on the state machine or the state),
 * read and checked as {@link StateFields} does for JSONPath: no paths, but {@code Arguments},
 * {@code Output} and {@code Assign} templates, and Choice rules with a {@code Condition}; every
 * {@code {% %}} expression is compiled here, so a mistake is a 400 naming the state and the field.
 */
final class JsonataFields {

    /** What each state type has in JSONata; Parallel and Map are not run in JSONata yet. */
    static final Map<String, Set<String>> FIELDS = Map.of(
            "Pass", Set.of("Type", "Comment", "Next", "End", "Output", "Assign", "QueryLanguage"),
            "Task", Set.of("Type", "Comment", "Next", "End", "Resource", "Arguments", "Output", "Assign", "Retry", "Catch",
                    "TimeoutSeconds", "HeartbeatSeconds", "QueryLanguage"),
            "Choice", Set.of("Type", "Comment", "Choices", "Default", "Output", "Assign", "QueryLanguage"),
            "Wait", Set.of("Type", "Comment", "Next", "End", "Seconds", "Timestamp", "Output", "Assign", "QueryLanguage"),
            "Succeed", Set.of("Type", "Comment", "Output", "QueryLanguage"),
            "Fail", Set.of("Type", "Comment", "Error", "Cause", "QueryLanguage"));

    private JsonataFields() {}

    static State.Io io(StateFields f) {
        Optional<JsonNode> assign = template(f, "Assign");
        assign.ifPresent(a -> {
            if (!a.isObject()) {
                throw f.error("Assign", "must be an object of variable names and values, not " + a);
            }
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!Queries.VARIABLE.matcher(name).matches() || name.equals("states")) {
                    throw f.error("Assign." + name, "is not a variable name: use letters, digits and _, not starting with a digit"
                            + " (and not \"states\", which is reserved)");
                }
            }
        });
        for (Map.Entry<String, JsonNode> e : f.node.properties()) {
            if (Set.of("Error", "Cause", "Seconds", "Timestamp").contains(e.getKey())) {
                template(f, e.getKey());
            }
        }
        checkCatchers(f);
        return State.Io.jsonata(new State.Query(template(f, "Arguments"), template(f, "Output"), assign));
    }

    /** A field whose value may hold {@code {% %}} expressions; each must compile. */
    static Optional<JsonNode> template(StateFields f, String field) {
        JsonNode v = f.node.get(field);
        if (v == null) {
            return Optional.empty();
        }
        Queries.invalid(v).ifPresent(problem -> {
            throw f.error(field, problem);
        });
        return Optional.of(v);
    }

    /** Choice rules: a {@code Condition} (an expression, or true/false) and {@code Next}. */
    static List<Condition.Branch> choices(StateFields f) {
        JsonNode list = f.node.path("Choices");
        if (!list.isArray() || list.isEmpty()) {
            throw f.error("Choices", "must be a list of at least one rule");
        }
        List<Condition.Branch> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "Choices[" + i + "]";
            JsonNode rule = list.get(i);
            for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!Set.of("Condition", "Next", "Comment").contains(field)) {
                    throw f.error(at + "." + field, "is not a field of a JSONata choice rule" + (Set.of("Assign", "Output").contains(field)
                            ? " that Nubo runs yet (docs/WORKFLOWS.md): put it on the Choice state" : ": it has Condition and Next"));
                }
            }
            JsonNode condition = rule.get("Condition");
            if (condition == null || !(condition.isBoolean() || Queries.isExpression(condition))) {
                throw f.error(at + ".Condition", "must be a JSONata expression, e.g. \"{% $states.input.qty > 10 %}\", not " + condition);
            }
            Queries.invalid(condition).ifPresent(problem -> {
                throw f.error(at + ".Condition", problem);
            });
            String next = rule.path("Next").asText("");
            if (next.isEmpty()) {
                throw f.error(at + ".Next", "is missing: name the state this rule leads to");
            }
            out.add(new Condition.Branch(new Condition.Query(condition), next));
        }
        return out;
    }

    /** Seconds (a whole number, or an expression) or Timestamp (text, or an expression). */
    static State waitState(StateFields f, State.Io io) {
        List<String> given = List.of("Seconds", "Timestamp").stream().filter(f.node::has).toList();
        if (given.size() != 1) {
            throw f.error("", "must have exactly one of Seconds and Timestamp in JSONata; it has " + given);
        }
        String how = given.getFirst();
        JsonNode value = f.node.get(how);
        if (!Queries.isExpression(value) && how.equals("Seconds") && (!value.isIntegralNumber() || value.asLong() < 0)) {
            throw f.error("Seconds", "must be a whole number of seconds, 0 or more, or an expression, not " + value);
        }
        return new State.Wait(f.name, io, how, value, f.next());
    }

    /** A JSONata catcher passes on the error output ({@code {"Error", "Cause"}}): it has no ResultPath, and no Output or Assign yet. */
    private static void checkCatchers(StateFields f) {
        JsonNode catchers = f.node.path("Catch");
        for (int i = 0; i < catchers.size(); i++) {
            for (String field : List.of("ResultPath", "Output", "Assign")) {
                if (catchers.get(i).has(field)) {
                    throw f.error("Catch[" + i + "]." + field, field.equals("ResultPath") ? "is JSONPath: a JSONata catcher passes on"
                            + " the error output" : "is not a field of a catcher that Nubo runs yet (docs/WORKFLOWS.md)");
                }
            }
        }
    }
}
