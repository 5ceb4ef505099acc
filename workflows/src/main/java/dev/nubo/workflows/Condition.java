package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A Choice Rule's boolean expression: a comparison of a variable ({@code Variable}, a path) with a
 * literal or, for the {@code …Path} operators, with another path; or And, Or, Not of others.
 * Comparing values of different types is false, not an error, as the specification says; a variable
 * that is absent is {@code States.Runtime} except for {@code IsPresent}.
 */
sealed interface Condition {

    boolean test(JsonNode input, JsonNode context);

    /** A top-level rule: its condition and the state it leads to. */
    record Branch(Condition condition, String next) {}

    /**
     * A JSONata rule's {@code Condition}, a {@code {% %}} expression: true when it evaluates to true. It
     * needs the execution's variables, which only the interpreter has: it calls {@link #holds}.
     */
    record Query(com.fasterxml.jackson.databind.JsonNode expression) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            throw new IllegalStateException("a JSONata condition is evaluated with its variables: call holds()");
        }

        boolean holds(JsonNode states, JsonNode variables) {
            JsonNode value = Queries.evaluate(expression, states, variables);
            if (!value.isBoolean()) {
                throw new StatesError(Queries.EVALUATION_ERROR, "the Condition " + expression.asText() + " gave " + value + ", not true or false");
            }
            return value.asBoolean();
        }
    }

    record And(List<Condition> all) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            return all.stream().allMatch(c -> c.test(input, context));
        }
    }

    record Or(List<Condition> any) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            return any.stream().anyMatch(c -> c.test(input, context));
        }
    }

    record Not(Condition negated) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            return !negated.test(input, context);
        }
    }

    /** Kinds of value a comparison is about. */
    enum Kind { String, Numeric, Boolean, Timestamp }

    /** {@code StringEquals}, {@code NumericLessThanPath}, …: {@code relation} is Equals, LessThan, GreaterThan, LessThanEquals or GreaterThanEquals. */
    record Compare(String variable, Kind kind, String relation, JsonNode value, boolean valueIsPath) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            JsonNode left = Paths.read(input, variable, context);
            JsonNode right = valueIsPath ? Paths.read(input, value.asText(), context) : value;
            Optional<Integer> order = switch (kind) {
                case String -> left.isTextual() && right.isTextual()
                        ? Optional.of(left.asText().compareTo(right.asText())) : Optional.empty();
                case Numeric -> left.isNumber() && right.isNumber()
                        ? Optional.of(left.decimalValue().compareTo(right.decimalValue())) : Optional.empty();
                case Boolean -> left.isBoolean() && right.isBoolean()
                        ? Optional.of(left.asBoolean() == right.asBoolean() ? 0 : 1) : Optional.empty();
                case Timestamp -> timestamp(left).flatMap(l -> timestamp(right).map(r -> l.toInstant().compareTo(r.toInstant())));
            };
            return order.map(o -> switch (relation) {
                case "Equals" -> o == 0;
                case "LessThan" -> o < 0;
                case "GreaterThan" -> o > 0;
                case "LessThanEquals" -> o <= 0;
                default -> o >= 0; // GreaterThanEquals; Definitions admits no other
            }).orElse(false);
        }
    }

    /** {@code StringMatches}: {@code *} matches any run of characters, {@code \*} a star. */
    record Matches(String variable, String pattern) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            JsonNode v = Paths.read(input, variable, context);
            return v.isTextual() && v.asText().matches(regex(pattern));
        }

        static String regex(String pattern) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '\\' && i + 1 < pattern.length()) {
                    out.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
                } else if (c == '*') {
                    out.append(".*");
                } else {
                    out.append(java.util.regex.Pattern.quote(String.valueOf(c)));
                }
            }
            return out.toString();
        }
    }

    /** {@code IsNull}, {@code IsPresent}, {@code IsNumeric}, {@code IsString}, {@code IsBoolean}, {@code IsTimestamp}: {@code expected} is the literal true or false. */
    record Is(String variable, String test, boolean expected) implements Condition {
        @Override
        public boolean test(JsonNode input, JsonNode context) {
            Optional<JsonNode> v = Paths.find(input, variable, context);
            if (test.equals("IsPresent")) {
                return v.isPresent() == expected;
            }
            JsonNode value = v.orElseThrow(() -> StatesError.runtime("Invalid path '" + variable + "': no results for it in "
                    + Paths.abbreviated(input)));
            boolean holds = switch (test) {
                case "IsNull" -> value.isNull();
                case "IsNumeric" -> value.isNumber();
                case "IsString" -> value.isTextual();
                case "IsBoolean" -> value.isBoolean();
                default -> timestamp(value).isPresent(); // IsTimestamp
            };
            return holds == expected;
        }
    }

    private static Optional<OffsetDateTime> timestamp(JsonNode v) {
        if (!v.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(v.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
