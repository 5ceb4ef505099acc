package dev.nubo.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a definition in the Amazon States Language, JSON or YAML, into a {@link StateMachine}, checking
 * everything that can be checked before it runs. A mistake is a 400 {@code workflow.invalid} naming the
 * state and the field: {@code state "Charge": Retry[0].ErrorEquals must not be empty}. Fields Nubo
 * does not run yet (JSONata on some states, HeartbeatSeconds on a plain call, ItemReader) are refused by name rather than ignored.
 */
final class Definitions {

    static final String HINT = "fix the definition and deploy it again (the language: https://states-language.net/spec.html; "
            + "what Nubo runs of it: docs/WORKFLOWS.md)";

    private static final Set<String> WORK = Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath",
            "Parameters", "ResultSelector", "Retry", "Catch");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Pass", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
            "Task", union(WORK, "Resource", "TimeoutSeconds", "HeartbeatSeconds", "TimeoutSecondsPath", "HeartbeatSecondsPath"),
            "Choice", Set.of("Type", "Comment", "Choices", "Default", "InputPath", "OutputPath"),
            "Wait", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"),
            "Succeed", Set.of("Type", "Comment", "InputPath", "OutputPath"),
            "Fail", Set.of("Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"),
            "Parallel", union(WORK, "Branches"),
            "Map", union(WORK, "ItemsPath", "ItemSelector", "Iterator", "ItemProcessor", "MaxConcurrency", "ToleratedFailureCount",
                    "ToleratedFailurePercentage", "ItemBatcher", "ItemReader", "ResultWriter"));

    /** Every state name in the definition, branches included: the language makes them unique. */
    private final Set<String> names = new HashSet<>();
    /** How deep in Parallel branches and Map processors the state being read is. */
    private int nesting;

    /** Whether states in JSONata unless they say otherwise: the state machine's QueryLanguage. */
    private boolean jsonata;

    private Definitions() {}

    /** Whether {@code node} says QueryLanguage JSONata (true), JSONPath (false), or nothing (empty → its default). */
    private static java.util.Optional<Boolean> language(JsonNode node, String where) {
        JsonNode q = node.get("QueryLanguage");
        if (q == null) {
            return java.util.Optional.empty();
        }
        if (!q.isTextual() || !Set.of("JSONata", "JSONPath").contains(q.asText())) {
            throw invalid(where + "QueryLanguage must be \"JSONata\" or \"JSONPath\", not " + q);
        }
        return java.util.Optional.of(q.asText().equals("JSONata"));
    }

    private static boolean jsonata(JsonNode root, String where) {
        return language(root, where).orElse(false);
    }

    /** The definition in {@code text} (JSON, or YAML when it does not start with a brace). */
    static StateMachine parse(String text) {
        JsonNode root;
        try {
            root = text.strip().startsWith("{") ? Json.mapper().readTree(text) : new YAMLMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid("the definition is neither JSON nor YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("the definition must be an object with StartAt and States");
        }
        Definitions definitions = new Definitions();
        definitions.jsonata = jsonata(root, "");
        return definitions.machine(root, "");
    }

    private StateMachine machine(JsonNode node, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            boolean top = where.isEmpty() && field.equals("TimeoutSeconds");
            if (!top && !Set.of("StartAt", "States", "Comment", "Version", "QueryLanguage", "ProcessorConfig").contains(field)) {
                throw invalid(where + field + " is not a field of a " + (where.isEmpty() ? "state machine" : "branch or item processor")
                        + "; it has StartAt, States, Comment, Version" + (where.isEmpty() ? ", TimeoutSeconds" : ""));
            }
        }
        String startAt = node.path("StartAt").asText("");
        JsonNode states = node.path("States");
        if (!states.isObject() || states.isEmpty()) {
            throw invalid(where + "States must be an object with at least one state");
        }
        if (startAt.isEmpty()) {
            throw invalid(where + "StartAt must name the first state");
        }
        Map<String, State> parsed = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!names.add(e.getKey())) {
                throw invalid("state \"" + e.getKey() + "\" is defined twice: state names must be unique in the whole definition");
            }
            if (e.getKey().isEmpty() || e.getKey().length() > 80) {
                throw invalid(where + "state names must have 1 to 80 characters: \"" + e.getKey() + "\"");
            }
            parsed.put(e.getKey(), state(e.getKey(), e.getValue()));
        }
        if (!parsed.containsKey(startAt)) {
            throw invalid(where + "StartAt \"" + startAt + "\" names no state; the states are " + parsed.keySet());
        }
        OptionalInt timeout = OptionalInt.empty();
        if (node.has("TimeoutSeconds")) {
            JsonNode t = node.get("TimeoutSeconds");
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 1) {
                throw invalid("TimeoutSeconds of the state machine must be a whole number of seconds, at least 1, not " + t);
            }
            timeout = OptionalInt.of(t.asInt());
        }
        StateMachine machine = new StateMachine(startAt, Map.copyOf(parsed), timeout);
        Transitions.check(machine, where);
        return machine;
    }

    private State state(String name, JsonNode node) {
        StateFields f = new StateFields(name, node);
        if (!node.isObject()) {
            throw f.error("", "must be an object with a Type");
        }
        String type = f.text("Type").orElseThrow(() -> f.error("Type", "is missing: one of " + FIELDS.keySet()));
        if (!FIELDS.containsKey(type)) {
            throw f.error("Type", "\"" + type + "\" is not a state type: one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map");
        }
        boolean jsonata = language(node, "state \"" + name + "\": ").orElse(this.jsonata);
        if (jsonata && !JsonataFields.FIELDS.containsKey(type)) {
            throw f.error("QueryLanguage", "JSONata is not run by Nubo on a " + type + " state yet (docs/WORKFLOWS.md):"
                    + " give the state QueryLanguage: JSONPath");
        }
        Set<String> allowed = jsonata ? JsonataFields.FIELDS.get(type) : union(FIELDS.get(type), "QueryLanguage");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw f.error(field, "is not a field of a " + type + " state" + (Set.of("ToleratedFailurePercentagePath",
                        "ToleratedFailureCountPath", "MaxConcurrencyPath", "Assign").contains(field)
                        ? " that Nubo runs yet (docs/WORKFLOWS.md)" : jsonata && FIELDS.get(type).contains(field)
                        ? " in JSONata (it is JSONPath; the state has QueryLanguage JSONata)" : ""));
            }
        }
        State.Io io = jsonata ? JsonataFields.io(f) : f.io();
        return switch (type) {
            case "Pass" -> new State.Pass(name, io, Optional.ofNullable(node.get("Result")), f.next());
            case "Task" -> task(f, io);
            case "Choice" -> new State.Choice(name, io, jsonata ? JsonataFields.choices(f) : f.choices(), f.text("Default"));
            case "Wait" -> jsonata ? JsonataFields.waitState(f, io) : f.waitState(io);
            case "Succeed" -> new State.Succeed(name, io);
            case "Fail" -> new State.Fail(name, io, f.text("Error"), f.text("Cause"), f.path("ErrorPath"), f.path("CausePath"));
            case "Parallel" -> new State.Parallel(name, io, branches(f), f.recovery(), f.next());
            default -> mapState(f, io);
        };
    }

    private State task(StateFields f, State.Io io) {
        Resource resource = f.resource();
        if (resource.waitForToken()) {
            if (nesting > 0) {
                throw f.error("Resource", "ends in .waitForTaskToken, which Nubo runs only outside Parallel and Map states yet");
            }
            boolean passed = io.query().isPresent() ? io.query().get().arguments().map(a -> a.toString().contains("context.Task.Token")).orElse(false)
                    : io.parameters().map(p -> p.toString().contains("$$.Task.Token")).orElse(false);
            if (!passed) {
                throw f.error(io.query().isPresent() ? "Arguments" : "Parameters", "must pass the task token to the service, e.g. "
                        + (io.query().isPresent() ? "\"token\": \"{% $states.context.Task.Token %}\"" : "\"token.$\": \"$$.Task.Token\"")
                        + " (the resource ends in .waitForTaskToken)");
            }
        }
        OptionalInt timeout = f.positive("TimeoutSeconds");
        OptionalInt heartbeat = f.positive("HeartbeatSeconds");
        Optional<String> timeoutPath = f.node.has("TimeoutSecondsPath") ? f.referencePath("TimeoutSecondsPath") : Optional.empty();
        Optional<String> heartbeatPath = f.node.has("HeartbeatSecondsPath") ? f.referencePath("HeartbeatSecondsPath") : Optional.empty();
        if (timeout.isPresent() && timeoutPath.isPresent()) {
            throw f.error("TimeoutSecondsPath", "must not be given with TimeoutSeconds: give one of them");
        }
        if (heartbeat.isPresent() && heartbeatPath.isPresent()) {
            throw f.error("HeartbeatSecondsPath", "must not be given with HeartbeatSeconds: give one of them");
        }
        for (String field : List.of("HeartbeatSeconds", "HeartbeatSecondsPath")) {
            if (f.node.has(field) && !resource.waitForToken()) {
                throw f.error(field, "is run by Nubo only for a task that waits for its token (a Resource ending in "
                        + ".waitForTaskToken) yet: a call's own TimeoutSeconds bounds the others");
            }
        }
        if (heartbeat.isPresent() && timeout.isPresent() && heartbeat.getAsInt() >= timeout.getAsInt()) {
            throw f.error("HeartbeatSeconds", "must be smaller than TimeoutSeconds (" + timeout.getAsInt() + ")");
        }
        return new State.Task(f.name, io, resource, timeout, heartbeat, f.recovery(), f.next(), timeoutPath, heartbeatPath);
    }

    private StateMachine nested(JsonNode node, String where) {
        nesting++;
        try {
            return machine(node, where);
        } finally {
            nesting--;
        }
    }

    private List<StateMachine> branches(StateFields f) {
        JsonNode branches = f.node.path("Branches");
        if (!branches.isArray() || branches.isEmpty()) {
            throw f.error("Branches", "must be a list of at least one state machine");
        }
        List<StateMachine> out = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            out.add(nested(branches.get(i), "state \"" + f.name + "\": Branches[" + i + "]: "));
        }
        return out;
    }

    private State mapState(StateFields f, State.Io io) {
        String processorField = f.node.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        JsonNode processor = f.node.path(processorField);
        if (!processor.isObject()) {
            throw f.error("ItemProcessor", "must be the state machine that runs for each item");
        }
        Optional<State.Distributed> distributed = DistributedFields.read(f, processorField, processor);
        JsonNode selector = f.node.has("ItemSelector") ? f.node.get("ItemSelector") : f.node.get("Parameters");
        int max = f.node.path("MaxConcurrency").asInt(0);
        if (max < 0) {
            throw f.error("MaxConcurrency", "must be 0 (no limit) or more, not " + max);
        }
        State.Io mapIo = new State.Io(io.inputPath(), Optional.empty(), io.resultSelector(), io.resultPath(), io.outputPath());
        return new State.MapState(f.name, mapIo, f.path("ItemsPath").orElse("$"), Optional.ofNullable(selector),
                nested(processor, "state \"" + f.name + "\": " + processorField + ": "), max, f.recovery(), f.next(), distributed);
    }

    static UserError invalid(String message) {
        return UserError.badRequest("workflow.invalid", message, HINT);
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> out = new HashSet<>(a);
        out.addAll(List.of(more));
        return Set.copyOf(out);
    }
}
