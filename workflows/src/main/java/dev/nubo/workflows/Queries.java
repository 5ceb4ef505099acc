package dev.nubo.workflows;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JSONata in a definition ({@code QueryLanguage: JSONata}): any string of a field's value that is
 * wholly {@code {% expression %}} is evaluated, with {@code $states} ({@code input}, {@code context}, and
 * where there is one {@code result} or {@code errorOutput}) and the execution's variables ({@code Assign})
 * bound; other values are kept as written. Evaluated by com.dashjoin:jsonata, a port of the reference
 * implementation. An expression is compiled at each evaluation, as the library's compiled expressions
 * keep state while they evaluate; a definition's expressions are all compiled once when it is deployed,
 * so a syntax error is a 400 naming the state and field.
 */
final class Queries {

    /** Step Functions' name for an expression that fails while it runs. */
    static final String EVALUATION_ERROR = "States.QueryEvaluationError";
    static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,79}");

    private Queries() {}

    static boolean isExpression(JsonNode value) {
        return value != null && value.isTextual() && expression(value.asText()).isPresent();
    }

    private static Optional<String> expression(String text) {
        String t = text.strip();
        return t.startsWith("{%") && t.endsWith("%}") && t.length() >= 4 ? Optional.of(t.substring(2, t.length() - 2)) : Optional.empty();
    }

    /** The first expression in {@code template} that does not compile, with why; empty when all do. */
    static Optional<String> invalid(JsonNode template) {
        if (template.isTextual()) {
            Optional<String> e = expression(template.asText());
            if (e.isPresent()) {
                try {
                    Jsonata.jsonata(e.get());
                } catch (JException | IllegalArgumentException x) {
                    return Optional.of(template.asText() + " is not a JSONata expression: " + x.getMessage());
                }
            }
            return Optional.empty();
        }
        for (JsonNode child : template) {
            Optional<String> problem = invalid(child);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code template} with each expression replaced by its value; an expression with no value (JSONata's
     * undefined) leaves its object key out, and is JSON null elsewhere. A failure is {@link #EVALUATION_ERROR}.
     */
    static JsonNode evaluate(JsonNode template, JsonNode states, JsonNode variables) {
        Optional<JsonNode> value = value(template, states, variables);
        return value.orElseGet(JsonNodeFactory.instance::nullNode);
    }

    private static Optional<JsonNode> value(JsonNode template, JsonNode states, JsonNode variables) {
        if (template.isTextual()) {
            Optional<String> e = expression(template.asText());
            return e.isPresent() ? run(template.asText(), e.get(), states, variables) : Optional.of(template);
        }
        if (template.isObject()) {
            ObjectNode out = Json.mapper().createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                value(field.getValue(), states, variables).ifPresent(v -> out.set(field.getKey(), v));
            }
            return Optional.of(out);
        }
        if (template.isArray()) {
            ArrayNode out = Json.mapper().createArrayNode();
            template.forEach(item -> out.add(value(item, states, variables).orElseGet(JsonNodeFactory.instance::nullNode)));
            return Optional.of(out);
        }
        return Optional.of(template);
    }

    private static Optional<JsonNode> run(String text, String expression, JsonNode states, JsonNode variables) {
        try {
            Jsonata compiled = Jsonata.jsonata(expression);
            Jsonata.Frame frame = compiled.createFrame();
            frame.bind("states", plain(states));
            for (Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> v = it.next();
                frame.bind(v.getKey(), plain(v.getValue()));
            }
            return Optional.ofNullable(compiled.evaluate(plain(states.path("input")), frame)).map(Queries::json);
        } catch (JException | IllegalArgumentException | ClassCastException e) {
            throw new StatesError(EVALUATION_ERROR, "the JSONata expression " + text + " failed: " + e.getMessage());
        }
    }

    /** JSON as the library's values: maps, lists, strings, numbers, booleans, and its own null. */
    private static Object plain(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        if (node.isNull()) {
            return Jsonata.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> out.put(e.getKey(), plain(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new java.util.ArrayList<>();
            node.forEach(item -> out.add(plain(item)));
            return out;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    private static JsonNode whole(long n) {
        return n == (int) n ? JsonNodeFactory.instance.numberNode((int) n) : JsonNodeFactory.instance.numberNode(n);
    }

    private static JsonNode json(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value) {
            case null -> f.nullNode();
            case Map<?, ?> map -> {
                ObjectNode out = f.objectNode();
                map.forEach((k, v) -> {
                    if (v != null) {
                        out.set(String.valueOf(k), json(v));
                    }
                });
                yield out;
            }
            case List<?> list -> {
                ArrayNode out = f.arrayNode();
                list.forEach(v -> out.add(json(v)));
                yield out;
            }
            case String s -> f.textNode(s);
            case Boolean b -> f.booleanNode(b);
            // Whole numbers as Jackson reads them from text (int when it fits, else long), so that they compare equal.
            case Double d when d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 -> whole(d.longValue());
            case Integer i -> f.numberNode(i);
            case Long l -> whole(l);
            case BigDecimal b -> f.numberNode(b);
            case Number n -> f.numberNode(n.doubleValue());
            default -> value == Jsonata.NULL_VALUE ? f.nullNode() : f.textNode(String.valueOf(value));
        };
    }
}
