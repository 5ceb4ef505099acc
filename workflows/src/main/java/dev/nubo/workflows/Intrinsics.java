package dev.nubo.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The intrinsic functions of the Amazon States Language ({@code States.Format('{} is {}', $.a, $.b)}),
 * evaluated where a payload template's {@code .$} key holds one. Arguments are strings in single quotes
 * ({@code \'} escapes a quote), numbers, booleans, null, paths, or other intrinsic calls.
 */
final class Intrinsics {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private final JsonNode input;
    private final JsonNode context;
    private int at;

    private Intrinsics(String text, JsonNode input, JsonNode context) {
        this.text = text;
        this.input = input;
        this.context = context;
    }

    static JsonNode evaluate(String expression, JsonNode input, JsonNode context) {
        Intrinsics parser = new Intrinsics(expression.trim(), input, context);
        JsonNode value = parser.call();
        if (parser.at != parser.text.length()) {
            throw parser.invalid("unexpected text after the call");
        }
        return value;
    }

    private JsonNode call() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        String name = text.substring(start, at);
        expect('(');
        List<JsonNode> args = new ArrayList<>();
        skipSpaces();
        if (peek() != ')') {
            do {
                skipSpaces();
                args.add(argument());
                skipSpaces();
            } while (consume(','));
        }
        expect(')');
        return apply(name, args);
    }

    private JsonNode argument() {
        char c = peek();
        if (c == '\'') {
            StringBuilder s = new StringBuilder();
            at++;
            while (at < text.length() && text.charAt(at) != '\'') {
                if (text.charAt(at) == '\\' && at + 1 < text.length()) {
                    at++;
                }
                s.append(text.charAt(at++));
            }
            expect('\'');
            return NODES.textNode(s.toString());
        }
        int start = at;
        if (c == '$') {
            int depth = 0;
            while (at < text.length() && (depth > 0 || (text.charAt(at) != ',' && text.charAt(at) != ')'))) {
                depth += text.charAt(at) == '[' ? 1 : text.charAt(at) == ']' ? -1 : 0;
                at++;
            }
            return Paths.read(input, text.substring(start, at).trim(), context);
        }
        if (text.startsWith("States.", at)) {
            return call();
        }
        while (at < text.length() && text.charAt(at) != ',' && text.charAt(at) != ')') {
            at++;
        }
        String literal = text.substring(start, at).trim();
        try {
            return Json.mapper().readTree(literal);
        } catch (JsonProcessingException e) {
            throw invalid("\"" + literal + "\" is not a string in single quotes, a number, true, false, null, a path or a call");
        }
    }

    private JsonNode apply(String name, List<JsonNode> a) {
        return switch (name) {
            case "States.Format" -> {
                String template = a.getFirst().asText();
                StringBuilder out = new StringBuilder();
                int next = 1;
                for (int i = 0; i < template.length(); i++) {
                    if (template.startsWith("{}", i)) {
                        JsonNode v = a.get(next++);
                        out.append(v.isTextual() ? v.asText() : v.toString());
                        i++;
                    } else {
                        out.append(template.charAt(i));
                    }
                }
                yield NODES.textNode(out.toString());
            }
            case "States.StringToJson" -> parse(a.getFirst().asText());
            case "States.JsonToString" -> NODES.textNode(a.getFirst().toString());
            case "States.Array" -> NODES.arrayNode().addAll(a);
            case "States.ArrayLength" -> NODES.numberNode(a.getFirst().size());
            case "States.ArrayContains" -> NODES.booleanNode(contains(a.get(0), a.get(1)));
            case "States.ArrayGetItem" -> a.get(0).get(a.get(1).asInt());
            case "States.ArrayRange" -> {
                ArrayNode out = NODES.arrayNode();
                for (int i = a.get(0).asInt(); a.get(2).asInt() > 0 ? i <= a.get(1).asInt() : i >= a.get(1).asInt(); i += a.get(2).asInt()) {
                    out.add(i);
                }
                yield out;
            }
            case "States.ArrayPartition" -> {
                ArrayNode out = NODES.arrayNode();
                for (int i = 0; i < a.get(0).size(); i += a.get(1).asInt()) {
                    ArrayNode chunk = out.addArray();
                    for (int j = i; j < Math.min(i + a.get(1).asInt(), a.get(0).size()); j++) {
                        chunk.add(a.get(0).get(j));
                    }
                }
                yield out;
            }
            case "States.ArrayUnique" -> {
                LinkedHashSet<JsonNode> seen = new LinkedHashSet<>();
                a.getFirst().forEach(seen::add);
                yield NODES.arrayNode().addAll(seen);
            }
            case "States.Base64Encode" -> NODES.textNode(Base64.getEncoder().encodeToString(a.getFirst().asText().getBytes(StandardCharsets.UTF_8)));
            case "States.Base64Decode" -> NODES.textNode(new String(Base64.getDecoder().decode(a.getFirst().asText()), StandardCharsets.UTF_8));
            case "States.Hash" -> NODES.textNode(hash(a.get(0).asText(), a.get(1).asText()));
            case "States.JsonMerge" -> {
                ObjectNode merged = a.get(0).deepCopy();
                merged.setAll((ObjectNode) a.get(1).deepCopy()); // shallow, as Step Functions does with false
                yield merged;
            }
            case "States.MathRandom" -> NODES.numberNode(ThreadLocalRandom.current().nextInt(a.get(0).asInt(), a.get(1).asInt()));
            case "States.MathAdd" -> NODES.numberNode(a.get(0).asLong() + a.get(1).asLong());
            case "States.StringSplit" -> {
                ArrayNode out = NODES.arrayNode();
                for (String part : a.get(0).asText().split("[" + java.util.regex.Pattern.quote(a.get(1).asText()) + "]")) {
                    if (!part.isEmpty()) {
                        out.add(part);
                    }
                }
                yield out;
            }
            case "States.UUID" -> NODES.textNode(UUID.randomUUID().toString());
            default -> throw invalid("no intrinsic function " + name);
        };
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode e : array) {
            if (e.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String hash(String data, String algorithm) {
        String jdk = switch (algorithm) {
            case "MD5" -> "MD5";
            case "SHA-1" -> "SHA-1";
            case "SHA-256" -> "SHA-256";
            case "SHA-384" -> "SHA-384";
            case "SHA-512" -> "SHA-512";
            default -> throw StatesError.runtime("States.Hash: no algorithm " + algorithm + "; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
        };
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jdk).digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + jdk, e);
        }
    }

    private JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw StatesError.runtime("States.StringToJson: not JSON: " + json);
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private boolean consume(char c) {
        if (peek() == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!consume(c)) {
            throw invalid("expected '" + c + "' at position " + at);
        }
    }

    private void skipSpaces() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }

    private StatesError invalid(String why) {
        return StatesError.runtime("intrinsic function " + text + ": " + why);
    }
}
