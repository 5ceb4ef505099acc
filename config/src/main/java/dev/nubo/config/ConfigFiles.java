package dev.nubo.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.StringReader;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Spring's configuration files as flat keys and values, per profile: {@code .properties} as
 * {@link Properties} reads them, YAML flattened as Spring's {@code YamlProcessor} does (nested keys
 * joined with dots, list items as {@code key[0]}, a null as an empty value). A YAML document that says
 * {@code spring.config.activate.on-profile: P} (or the older {@code spring.profiles: P}) is profile P's.
 */
final class ConfigFiles {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String[] PROFILE_KEYS = {"spring.config.activate.on-profile", "spring.profiles"};

    private ConfigFiles() {}

    /**
     * @param name the file's name, which says its format ({@code .yml}, {@code .yaml} or {@code .properties})
     * @param profile the profile of documents that name none
     * @return profile → key → value, in the file's order
     * @throws UserError 400 {@code config.invalid} naming the file, the line and the problem
     */
    static Map<String, Map<String, String>> read(String name, String text, String profile) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".properties")) {
            return Map.of(profile, properties(name, text));
        }
        if (lower.endsWith(".yml") || lower.endsWith(".yaml")) {
            return yaml(name, text, profile);
        }
        throw UserError.badRequest("config.invalid", "cannot tell the format of " + name,
                "import a .yml, .yaml or .properties file, as Spring Boot reads them");
    }

    private static Map<String, String> properties(String name, String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.badRequest("config.invalid", name + " is not a valid properties file: " + e.getMessage(),
                    "check its \\u escapes");
        }
        Map<String, String> out = new java.util.TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    private static Map<String, Map<String, String>> yaml(String name, String text, String profile) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document == null || document.isMissingNode() || document.isNull()) {
                    continue;
                }
                if (!document.isObject()) {
                    throw UserError.badRequest("config.invalid", name + " line " + line(documents.getCurrentLocation())
                            + ": a document must be a mapping of keys to values, not " + document.getNodeType().toString().toLowerCase(),
                            "write it as key: value lines, e.g. greeting: hello");
                }
                Map<String, String> flat = new LinkedHashMap<>();
                flatten("", document, flat);
                String documentProfile = profile;
                for (String key : PROFILE_KEYS) {
                    String named = flat.remove(key);
                    if (named != null && !named.isBlank()) {
                        documentProfile = named.trim();
                    }
                }
                out.computeIfAbsent(documentProfile, p -> new LinkedHashMap<>()).putAll(flat);
            }
        } catch (JsonProcessingException e) {
            throw UserError.badRequest("config.invalid", name + " line " + line(e.getLocation()) + " does not parse as YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), "fix the YAML there (indentation, a missing colon or quote)");
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
        return out;
    }

    private static int line(JsonLocation at) {
        return at == null ? 0 : at.getLineNr();
    }

    /** As Spring's {@code YamlProcessor.buildFlattenedMap}. */
    private static void flatten(String path, JsonNode node, Map<String, String> out) {
        if (node.isObject() && node.size() == 1 && node.path("secret").isTextual() && !path.isEmpty()) {
            // {secret: NAME/KEY} is a reference to one of Nubo's secrets (SecretReferences), kept as written, not a key "secret".
            out.put(path, "{secret: " + node.get("secret").asText() + "}");
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                String child = path.isEmpty() ? key : key.startsWith("[") ? path + key : path + "." + key;
                flatten(child, field.getValue(), out);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(path, "");
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(path, node.isNull() ? "" : node.asText());
        }
    }
}
