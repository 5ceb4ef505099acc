package dev.nubo.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How {@code files:} is written in nubo.yaml: secrets an instance reads as files rather than from its
 * environment (a TLS key, a credentials file a library insists on reading from disk):
 *
 * <pre>{@code
 * files:
 *   /run/secrets/db-password: {secret: db/password}
 * }</pre>
 *
 * Every file lives directly under {@link #DIR}, the one directory Nubo mounts them in, so that no
 * descriptor can lay a file over the system or the code.
 */
final class FilesSyntax {

    /** Where an instance finds its secret files (docs/DESCRIPTOR.md); the Docker and Compose convention. */
    static final String DIR = "/run/secrets/";
    private static final Pattern FILE = Pattern.compile("/run/secrets/[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private FilesSyntax() {}

    static Map<String, SecretRef> parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `files` must be a mapping of paths to secrets, found " + DescriptorParser.describe(node),
                    "e.g. `files: {/run/secrets/db-password: {secret: db/password}}`");
        }
        Map<String, SecretRef> files = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "files." + e.getKey();
            if (!FILE.matcher(e.getKey()).matches()) {
                throw DescriptorParser.invalid("nubo.yaml: `" + field + "` must be a file directly under " + DIR,
                        "name it " + DIR + "NAME (letters, digits, '.', '_', '-'), e.g. `" + DIR + "db-password`");
            }
            JsonNode ref = e.getValue().path("secret");
            if (!e.getValue().isObject() || e.getValue().size() != 1 || !ref.isTextual()) {
                throw DescriptorParser.invalid("nubo.yaml: `" + field + "` must be `{secret: NAME/KEY}`, found " + DescriptorParser.describe(e.getValue()),
                        "e.g. `" + e.getKey() + ": {secret: db/password}`; a file's content comes from a secret (`nubo secret set`)");
            }
            files.put(e.getKey(), SecretRef.parse(ref.asText(), field + ".secret"));
        }
        return files;
    }
}
