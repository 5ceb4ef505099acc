package dev.nubo.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code build:} section of nubo.yaml: how the service is built from source before it is
 * uploaded, where {@code nubo deploy} runs (the server ignores it beyond checking its shape). One of:
 * <ul>
 *   <li>absent: the build is detected from the project ({@code pom.xml}, {@code package.json},
 *       {@code requirements.txt}), see docs/DESCRIPTOR.md;</li>
 *   <li>{@code build: none}: upload the directory as it is;</li>
 *   <li>{@code build: {command: ..., output: ...}}: run {@code command} (a list, or a string run by
 *       {@code sh -c}) in the directory; {@code output} names what it makes (checked after the
 *       build, and always uploaded). Either field may be left out: without {@code command} the
 *       detected build runs.</li>
 * </ul>
 *
 * @param command the program and its arguments; empty: the detected build
 * @param output paths relative to the directory that the build makes
 * @param off {@code build: none}
 */
public record BuildSection(List<String> command, List<String> output, boolean off) {

    private static final String HINT = "e.g. `build: {command: mvn -q -B package, output: target/app.jar}`, or"
            + " `build: none` to upload the directory as it is; see docs/DESCRIPTOR.md";

    public BuildSection {
        command = List.copyOf(command);
        output = List.copyOf(output);
    }

    /** No {@code build:} section: the build is detected from the project's files. */
    public static BuildSection detected() {
        return new BuildSection(List.of(), List.of(), false);
    }

    /** Reads the section of a whole nubo.yaml. */
    public static BuildSection of(String yaml) {
        if (yaml.length() > Descriptor.MAX_BYTES) {
            throw Descriptor.tooLarge(yaml.length() + " characters");
        }
        try {
            JsonNode root = DescriptorParser.yaml().readTree(yaml);
            return root == null || !root.isObject() ? detected() : parse(root.get("build"));
        } catch (JsonProcessingException e) {
            throw DescriptorParser.invalid("nubo.yaml is not valid YAML: " + e.getOriginalMessage(),
                    "check indentation and quoting at that line");
        }
    }

    static BuildSection parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return detected();
        }
        if (node.isTextual() && node.asText().strip().equals("none") || node.isBoolean() && !node.asBoolean()) {
            return new BuildSection(List.of(), List.of(), true);
        }
        if (!node.isObject()) {
            throw DescriptorParser.invalid("nubo.yaml: `build` must be a mapping or `none`, found "
                    + DescriptorParser.describe(node), HINT);
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("command") && !field.equals("output")) {
                throw DescriptorParser.invalid("nubo.yaml: unknown field `build." + field + "`", "build takes command and output");
            }
        }
        return new BuildSection(command(node.get("command")), output(node.get("output")), false);
    }

    private static List<String> command(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual() && !node.asText().isBlank()) {
            return List.of("sh", "-c", node.asText());
        }
        List<String> command = strings(node, "build.command");
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw DescriptorParser.invalid("nubo.yaml: `build.command` must be a command line or a non-empty list of strings,"
                    + " found " + DescriptorParser.describe(node), HINT);
        }
        return command;
    }

    private static List<String> output(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> paths = node.isTextual() ? List.of(node.asText().strip()) : strings(node, "build.output");
        for (String path : paths) {
            if (path.isEmpty()) {
                throw DescriptorParser.invalid("nubo.yaml: `build.output` has an empty path", HINT);
            }
            DescriptorParser.relativePath(path, "build.output");
        }
        return paths;
    }

    private static List<String> strings(JsonNode node, String field) {
        if (!node.isArray()) {
            throw DescriptorParser.invalid("nubo.yaml: `" + field + "` must be a string or a list of strings, found "
                    + DescriptorParser.describe(node), HINT);
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isValueNode() || node.get(i).isNull()) {
                throw DescriptorParser.invalid("nubo.yaml: `" + field + "[" + i + "]` must be a string, found "
                        + DescriptorParser.describe(node.get(i)), HINT);
            }
            items.add(node.get(i).asText());
        }
        return items;
    }
}
