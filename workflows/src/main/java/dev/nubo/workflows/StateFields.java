package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.UserError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** One state's fields, read and checked with messages that name the state and the field ({@link Definitions}). */
final class StateFields {

    private static final Set<String> WAITS = Set.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath");
    private static final Set<String> KINDS = Set.of("String", "Numeric", "Boolean", "Timestamp");
    private static final List<String> RELATIONS = List.of("LessThanEquals", "GreaterThanEquals", "Equals", "LessThan", "GreaterThan");
    private static final Set<String> TESTS = Set.of("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");

    final String name;
    final JsonNode node;

    StateFields(String name, JsonNode node) {
        this.name = name;
        this.node = node;
    }

    UserError error(String field, String problem) {
        return Definitions.invalid("state \"" + name + "\": " + (field.isEmpty() ? "" : field + " ") + problem);
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

    /** A field that must be a reference path ($, $.a, $.a.b), present. */
    Optional<String> referencePath(String field) {
        String path = text(field).orElseThrow();
        Paths.invalidReference(path).ifPresent(p -> {
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
                + " (each may end in .waitForTaskToken), arn:aws:states:::http:invoke, arn:aws:states:::events:putEvents, or"
                + " arn:aws:states:::states:startExecution (.sync, .sync:2 or .waitForTaskToken)"));
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
