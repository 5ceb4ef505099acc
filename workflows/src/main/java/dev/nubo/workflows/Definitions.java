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
 * does not run yet (JSONata, HeartbeatSeconds, a distributed Map) are refused by name rather than ignored.
 */
final class Definitions {

    static final String HINT = "fix the definition and deploy it again (the language: https://states-language.net/spec.html; "
            + "what Nubo runs of it: docs/WORKFLOWS.md)";

    private static final Set<String> WORK = Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath",
            "Parameters", "ResultSelector", "Retry", "Catch");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Pass", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
            "Task", union(WORK, "Resource", "TimeoutSeconds"),
            "Choice", Set.of("Type", "Comment", "Choices", "Default", "InputPath", "OutputPath"),
            "Wait", Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"),
            "Succeed", Set.of("Type", "Comment", "InputPath", "OutputPath"),
            "Fail", Set.of("Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"),
            "Parallel", union(WORK, "Branches"),
            "Map", union(WORK, "ItemsPath", "ItemSelector", "Iterator", "ItemProcessor", "MaxConcurrency"));
    private static final Set<String> WAITS = Set.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath");
    private static final Set<String> KINDS = Set.of("String", "Numeric", "Boolean", "Timestamp");
    private static final List<String> RELATIONS = List.of("LessThanEquals", "GreaterThanEquals", "Equals", "LessThan", "GreaterThan");
    private static final Set<String> TESTS = Set.of("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");

    /** Every state name in the definition, branches included: the language makes them unique. */
    private final Set<String> names = new HashSet<>();
    /** How deep in Parallel branches and Map processors the state being read is. */
    private int nesting;

    private Definitions() {}

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
        if (root.has("QueryLanguage") && !root.get("QueryLanguage").asText().equals("JSONPath")) {
            throw invalid("QueryLanguage " + root.get("QueryLanguage") + " is not supported yet: Nubo runs JSONPath definitions");
        }
        return new Definitions().machine(root, "");
    }

    private StateMachine machine(JsonNode node, String where) {
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
        StateMachine machine = new StateMachine(startAt, Map.copyOf(parsed));
        Transitions.check(machine, where);
        return machine;
    }

    private State state(String name, JsonNode node) {
        Fields f = new Fields(name, node);
        if (!node.isObject()) {
            throw f.error("", "must be an object with a Type");
        }
        String type = f.text("Type").orElseThrow(() -> f.error("Type", "is missing: one of " + FIELDS.keySet()));
        Set<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            throw f.error("Type", "\"" + type + "\" is not a state type: one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw f.error(field, "is not a field of a " + type + " state" + (Set.of("HeartbeatSeconds", "HeartbeatSecondsPath",
                        "TimeoutSecondsPath", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailurePercentage",
                        "ToleratedFailureCount", "MaxConcurrencyPath", "Arguments", "Output", "Assign", "QueryLanguage").contains(field)
                        ? " that Nubo runs yet (docs/WORKFLOWS.md)" : ""));
            }
        }
        State.Io io = f.io();
        return switch (type) {
            case "Pass" -> new State.Pass(name, io, Optional.ofNullable(node.get("Result")), f.next());
            case "Task" -> task(f, io);
            case "Choice" -> new State.Choice(name, io, f.choices(), f.text("Default"));
            case "Wait" -> f.waitState(io);
            case "Succeed" -> new State.Succeed(name, io);
            case "Fail" -> new State.Fail(name, io, f.text("Error"), f.text("Cause"), f.path("ErrorPath"), f.path("CausePath"));
            case "Parallel" -> new State.Parallel(name, io, branches(f), f.recovery(), f.next());
            default -> mapState(f, io);
        };
    }

    private State task(Fields f, State.Io io) {
        Resource resource = f.resource();
        if (resource.waitForToken()) {
            if (nesting > 0) {
                throw f.error("Resource", "ends in .waitForTaskToken, which Nubo runs only outside Parallel and Map states yet");
            }
            if (io.parameters().map(p -> !p.toString().contains("$$.Task.Token")).orElse(true)) {
                throw f.error("Parameters", "must pass the task token to the service, e.g. \"token.$\": \"$$.Task.Token\" "
                        + "(the resource ends in .waitForTaskToken)");
            }
        }
        return new State.Task(f.name, io, resource, f.positive("TimeoutSeconds"), f.recovery(), f.next());
    }

    private StateMachine nested(JsonNode node, String where) {
        nesting++;
        try {
            return machine(node, where);
        } finally {
            nesting--;
        }
    }

    private List<StateMachine> branches(Fields f) {
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

    private State mapState(Fields f, State.Io io) {
        String processorField = f.node.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        JsonNode processor = f.node.path(processorField);
        if (!processor.isObject()) {
            throw f.error("ItemProcessor", "must be the state machine that runs for each item");
        }
        if (processor.has("ProcessorConfig") && processor.path("ProcessorConfig").path("Mode").asText("INLINE").equals("DISTRIBUTED")) {
            throw f.error("ItemProcessor.ProcessorConfig.Mode", "DISTRIBUTED is not supported yet: use INLINE");
        }
        JsonNode selector = f.node.has("ItemSelector") ? f.node.get("ItemSelector") : f.node.get("Parameters");
        int max = f.node.path("MaxConcurrency").asInt(0);
        if (max < 0) {
            throw f.error("MaxConcurrency", "must be 0 (no limit) or more, not " + max);
        }
        State.Io mapIo = new State.Io(io.inputPath(), Optional.empty(), io.resultSelector(), io.resultPath(), io.outputPath());
        return new State.MapState(f.name, mapIo, f.path("ItemsPath").orElse("$"), Optional.ofNullable(selector),
                nested(processor, "state \"" + f.name + "\": " + processorField + ": "), max, f.recovery(), f.next());
    }

    static UserError invalid(String message) {
        return UserError.badRequest("workflow.invalid", message, HINT);
    }

    /** A state's fields, read with messages that name the state and the field. */
    private static final class Fields {
        final String name;
        final JsonNode node;

        Fields(String name, JsonNode node) {
            this.name = name;
            this.node = node;
        }

        UserError error(String field, String problem) {
            return invalid("state \"" + name + "\": " + (field.isEmpty() ? "" : field + " ") + problem);
        }

        Optional<String> text(String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return Optional.empty();
            }
            if (!v.isTextual()) {
                throw error(field, "must be a string, not " + v);
            }
            return Optional.of(v.asText());
        }

        /** A path field: absent is {@code $}, JSON null is empty. */
        Optional<String> path(String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return field.endsWith("Path") && !field.equals("ErrorPath") && !field.equals("CausePath") ? Optional.of("$") : Optional.empty();
            }
            if (v.isNull()) {
                return Optional.empty();
            }
            String path = text(field).orElseThrow();
            Optional<String> problem = field.equals("ResultPath") ? Paths.invalidReference(path) : Paths.invalid(path);
            problem.ifPresent(p -> {
                throw error(field, p);
            });
            return Optional.of(path);
        }

        State.Io io() {
            return new State.Io(path("InputPath"), template("Parameters"), template("ResultSelector"), path("ResultPath"), path("OutputPath"));
        }

        Optional<JsonNode> template(String field) {
            JsonNode v = node.get(field);
            if (v != null && !v.isObject()) {
                throw error(field, "must be an object (a payload template), not " + v);
            }
            return Optional.ofNullable(v);
        }

        Optional<String> next() {
            boolean end = node.path("End").asBoolean(false);
            Optional<String> next = text("Next");
            if (end == next.isPresent()) {
                throw error(end ? "Next" : "End", end ? "must not be given with End: true" : "is missing: give Next (a state) or End: true");
            }
            return next;
        }

        OptionalInt positive(String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return OptionalInt.empty();
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                throw error(field, "must be a whole number of seconds, at least 1, not " + v);
            }
            return OptionalInt.of(v.asInt());
        }

        Resource resource() {
            String resource = text("Resource").orElseThrow(() -> error("Resource", "is missing: name the service to call, e.g. nubo:NAME"));
            return Resource.parse(resource).orElseThrow(() -> error("Resource", "\"" + resource + "\" is not something Nubo can call: "
                    + "use nubo:SERVICE, arn:aws:lambda:REGION:ACCOUNT:function:SERVICE or arn:aws:states:::lambda:invoke"
                    + " (each may end in .waitForTaskToken)"));
        }

        State.Recovery recovery() {
            List<Retrier> retry = new ArrayList<>();
            JsonNode r = node.path("Retry");
            for (int i = 0; i < r.size(); i++) {
                String at = "Retry[" + i + "].";
                JsonNode e = r.get(i);
                List<String> errors = errorEquals(e, at, i == r.size() - 1);
                int interval = e.path("IntervalSeconds").asInt(Retrier.DEFAULT_INTERVAL);
                int attempts = e.path("MaxAttempts").asInt(Retrier.DEFAULT_MAX_ATTEMPTS);
                double backoff = e.path("BackoffRate").asDouble(Retrier.DEFAULT_BACKOFF);
                if (interval < 1) {
                    throw error(at + "IntervalSeconds", "must be at least 1, not " + interval);
                }
                if (attempts < 0) {
                    throw error(at + "MaxAttempts", "must be 0 or more, not " + attempts);
                }
                if (backoff < 1.0) {
                    throw error(at + "BackoffRate", "must be at least 1.0, not " + backoff);
                }
                for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                    String field = it.next();
                    if (!Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "Comment").contains(field)) {
                        throw error(at + field, "is not a field of a retrier" + (field.equals("JitterStrategy") ? " that Nubo runs yet" : ""));
                    }
                }
                OptionalInt maxDelay = e.has("MaxDelaySeconds") ? OptionalInt.of(e.get("MaxDelaySeconds").asInt()) : OptionalInt.empty();
                retry.add(new Retrier(errors, interval, attempts, backoff, maxDelay));
            }
            List<Catcher> catchers = new ArrayList<>();
            JsonNode c = node.path("Catch");
            for (int i = 0; i < c.size(); i++) {
                String at = "Catch[" + i + "].";
                JsonNode e = c.get(i);
                List<String> errors = errorEquals(e, at, i == c.size() - 1);
                String next = e.path("Next").asText("");
                if (next.isEmpty()) {
                    throw error(at + "Next", "is missing: name the state that handles the error");
                }
                Optional<String> resultPath = e.has("ResultPath") && e.get("ResultPath").isNull() ? Optional.empty()
                        : Optional.of(e.path("ResultPath").asText("$"));
                resultPath.flatMap(Paths::invalidReference).ifPresent(p -> {
                    throw error(at + "ResultPath", p);
                });
                catchers.add(new Catcher(errors, next, resultPath));
            }
            return new State.Recovery(List.copyOf(retry), List.copyOf(catchers));
        }

        private List<String> errorEquals(JsonNode e, String at, boolean last) {
            JsonNode list = e.path("ErrorEquals");
            if (!list.isArray() || list.isEmpty()) {
                throw error(at + "ErrorEquals", "must not be empty: list the error names it handles, or States.ALL");
            }
            List<String> errors = new ArrayList<>();
            list.forEach(n -> errors.add(n.asText()));
            if (errors.contains(StatesError.ALL) && (errors.size() > 1 || !last)) {
                throw error(at + "ErrorEquals", "States.ALL must be alone in the last entry");
            }
            return List.copyOf(errors);
        }

        List<Condition.Branch> choices() {
            JsonNode list = node.path("Choices");
            if (!list.isArray() || list.isEmpty()) {
                throw error("Choices", "must be a list of at least one rule");
            }
            List<Condition.Branch> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = "Choices[" + i + "]";
                String next = list.get(i).path("Next").asText("");
                if (next.isEmpty()) {
                    throw error(at + ".Next", "is missing: name the state this rule leads to");
                }
                out.add(new Condition.Branch(condition(list.get(i), at), next));
            }
            return out;
        }

        private Condition condition(JsonNode rule, String at) {
            for (String op : List.of("And", "Or")) {
                if (rule.has(op)) {
                    JsonNode list = rule.get(op);
                    if (!list.isArray() || list.isEmpty()) {
                        throw error(at + "." + op, "must be a list of at least one rule");
                    }
                    List<Condition> all = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        all.add(condition(list.get(i), at + "." + op + "[" + i + "]"));
                    }
                    return op.equals("And") ? new Condition.And(all) : new Condition.Or(all);
                }
            }
            if (rule.has("Not")) {
                return new Condition.Not(condition(rule.get("Not"), at + ".Not"));
            }
            String variable = rule.path("Variable").asText("");
            if (variable.isEmpty()) {
                throw error(at + ".Variable", "is missing: the path of the value to compare");
            }
            Paths.invalid(variable).ifPresent(p -> {
                throw error(at + ".Variable", p);
            });
            for (Iterator<Map.Entry<String, JsonNode>> it = rule.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String op = e.getKey();
                JsonNode value = e.getValue();
                if (op.equals("Variable") || op.equals("Next") || op.equals("Comment")) {
                    continue;
                }
                if (TESTS.contains(op)) {
                    if (!value.isBoolean()) {
                        throw error(at + "." + op, "must be true or false, not " + value);
                    }
                    return new Condition.Is(variable, op, value.asBoolean());
                }
                if (op.equals("StringMatches")) {
                    return new Condition.Matches(variable, value.asText());
                }
                boolean isPath = op.endsWith("Path");
                String base = isPath ? op.substring(0, op.length() - 4) : op;
                for (String kind : KINDS) {
                    if (base.startsWith(kind)) {
                        String relation = base.substring(kind.length());
                        if (RELATIONS.contains(relation) && (!kind.equals("Boolean") || relation.equals("Equals"))) {
                            checkOperand(at + "." + op, kind, value, isPath);
                            return new Condition.Compare(variable, Condition.Kind.valueOf(kind), relation, value, isPath);
                        }
                    }
                }
                throw error(at + "." + op, "is not a comparison operator (e.g. StringEquals, NumericLessThanPath, IsPresent, And, Or, Not)");
            }
            throw error(at, "has a Variable but no comparison operator");
        }

        private void checkOperand(String at, String kind, JsonNode value, boolean isPath) {
            boolean fits = isPath ? value.isTextual() && Paths.invalid(value.asText()).isEmpty() : switch (kind) {
                case "String", "Timestamp" -> value.isTextual();
                case "Numeric" -> value.isNumber();
                default -> value.isBoolean();
            };
            if (!fits) {
                throw error(at, "must be " + (isPath ? "a path" : switch (kind) {
                    case "String" -> "a string";
                    case "Timestamp" -> "a timestamp string";
                    case "Numeric" -> "a number";
                    default -> "true or false";
                }) + ", not " + value);
            }
        }

        State waitState(State.Io io) {
            List<String> given = WAITS.stream().filter(node::has).toList();
            if (given.size() != 1) {
                throw error("", "must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; it has " + given);
            }
            String how = given.getFirst();
            JsonNode value = node.get(how);
            if (how.equals("Seconds") && (!value.isIntegralNumber() || value.asLong() < 0)) {
                throw error("Seconds", "must be a whole number of seconds, 0 or more, not " + value);
            }
            if (how.equals("Timestamp")) {
                try {
                    java.time.OffsetDateTime.parse(value.asText());
                } catch (java.time.format.DateTimeParseException e) {
                    throw error("Timestamp", "must be an ISO-8601 timestamp such as 2026-12-03T10:00:00Z, not " + value);
                }
            }
            if (how.endsWith("Path")) {
                path(how);
            }
            return new State.Wait(name, io, how, value, next());
        }
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> out = new HashSet<>(a);
        out.addAll(List.of(more));
        return Set.copyOf(out);
    }
}
