package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Amazon States Language's paths over Jackson trees: JSONPath reads (Jayway), payload templates
 * ({@code Parameters}, {@code ResultSelector}, {@code ItemSelector}: a key ending in {@code .$} takes
 * its value from a path, {@code $$.} from the context object, or an intrinsic function), and the
 * Reference Paths a {@code ResultPath} writes to.
 */
final class Paths {

    private static final Configuration JSON = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider()).mappingProvider(new JacksonMappingProvider()).build();
    /** A Reference Path: {@code $}, then only {@code .name} or {@code ['name']} steps (no filters, wildcards or indexes). */
    private static final Pattern REFERENCE = Pattern.compile("\\$((\\.[A-Za-z_][A-Za-z0-9_-]*)|(\\['[^']+'\\]))*");
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\['([^']+)'\\]");

    private Paths() {}

    /** Why {@code path} is not a JSONPath, if it is not one. */
    static Optional<String> invalid(String path) {
        if (!path.startsWith("$")) {
            return Optional.of("\"" + path + "\" is not a path: a path starts with $");
        }
        try {
            JsonPath.compile(path.startsWith("$$") ? path.substring(1) : path);
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.of("\"" + path + "\" is not a JSONPath: " + e.getMessage());
        }
    }

    /** Why {@code path} is not a Reference Path (what {@code ResultPath} takes), if it is not one. */
    static Optional<String> invalidReference(String path) {
        return REFERENCE.matcher(path).matches() ? Optional.empty()
                : Optional.of("\"" + path + "\" is not a reference path: write $, $.field or $.a.b (no wildcards, filters or indexes)");
    }

    /** What {@code path} selects; a path that selects nothing is {@code States.Runtime}, as in Step Functions. */
    static JsonNode read(JsonNode doc, String path, JsonNode context) {
        return find(doc, path, context).orElseThrow(() -> StatesError.runtime(
                "Invalid path '" + path + "': no results for it in " + abbreviated(path.startsWith("$$") ? context : doc)));
    }

    /** What {@code path} selects, if anything; {@code $$.x} reads the context object. */
    static Optional<JsonNode> find(JsonNode doc, String path, JsonNode context) {
        if (path.equals("$")) {
            return Optional.of(doc);
        }
        JsonNode target = path.startsWith("$$") ? context : doc;
        String expression = path.startsWith("$$") ? path.substring(1) : path;
        try {
            JsonNode found = JsonPath.using(JSON).parse(target).read(expression);
            return Optional.of(found == null ? JsonNodeFactory.instance.nullNode() : found);
        } catch (PathNotFoundException e) {
            return Optional.empty();
        }
    }

    /** A payload template filled from {@code input} and {@code context}. */
    static JsonNode template(JsonNode template, JsonNode input, JsonNode context) {
        if (template.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (key.endsWith(".$")) {
                    String expression = field.getValue().asText();
                    out.set(key.substring(0, key.length() - 2), expression.startsWith("$")
                            ? read(input, expression, context) : Intrinsics.evaluate(expression, input, context));
                } else {
                    out.set(key, template(field.getValue(), input, context));
                }
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            template.forEach(e -> out.add(template(e, input, context)));
            return out;
        }
        return template;
    }

    /**
     * {@code input} with {@code result} placed at the reference path {@code resultPath}: the result
     * itself for {@code $}; the input unchanged when the path is null (empty); otherwise a copy of the
     * input with the objects on the way created as needed.
     */
    static JsonNode put(JsonNode input, Optional<String> resultPath, JsonNode result) {
        if (resultPath.isEmpty()) {
            return input;
        }
        if (resultPath.get().equals("$")) {
            return result;
        }
        if (!input.isObject()) {
            throw StatesError.runtime("ResultPath " + resultPath.get() + " cannot be applied to an input that is not an object: "
                    + abbreviated(input));
        }
        List<String> steps = new ArrayList<>();
        Matcher m = STEP.matcher(resultPath.get().substring(1));
        while (m.find()) {
            steps.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        ObjectNode root = input.deepCopy();
        ObjectNode at = root;
        for (String step : steps.subList(0, steps.size() - 1)) {
            JsonNode next = at.get(step);
            if (next == null || !next.isObject()) {
                next = at.putObject(step);
            }
            at = (ObjectNode) next;
        }
        at.set(steps.getLast(), result);
        return root;
    }

    /** A value in an error message: its JSON, shortened. */
    static String abbreviated(JsonNode node) {
        String text = node.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
