package dev.nubo.builds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nubo.model.BuildSection;
import dev.nubo.model.Descriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a build needs of nubo.yaml, read leniently: the server checks the whole descriptor when it
 * gets the upload and says precisely what is wrong, so a descriptor with a mistake elsewhere still
 * builds and uploads, and is refused there with the server's message.
 *
 * @param runtime {@code runtime:} as written, or empty
 * @param code {@code code:} (a Java function's jar or classes directory), if written
 * @param command {@code command:} as words, for telling which build outputs a process runs
 */
record Declared(String runtime, Optional<String> code, List<String> command, BuildSection build) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Declared read(Path dir) {
        Path file = dir.resolve(Descriptor.FILE_NAME);
        String text;
        try {
            if (Files.size(file) > Descriptor.MAX_BYTES) {
                throw new BuildFailure(Descriptor.FILE_NAME + " is larger than " + (Descriptor.MAX_BYTES >> 10) + " KiB",
                        "keep data out of nubo.yaml: put large values in files of the directory");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new BuildFailure("cannot read " + file + ": " + e.getMessage(), "check that it exists and is readable");
        }
        BuildSection build = BuildSection.of(text);
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            root = null; // BuildSection.of has thrown for invalid YAML already; an empty file lands here
        }
        if (root == null || !root.isObject()) {
            return new Declared("", Optional.empty(), List.of(), build);
        }
        List<String> command = new ArrayList<>();
        JsonNode c = root.path("command");
        if (c.isTextual()) {
            command.addAll(List.of(c.asText().strip().split("\\s+")));
        } else {
            c.forEach(word -> command.add(word.asText()));
        }
        Optional<String> code = root.path("code").isTextual() ? Optional.of(root.path("code").asText().strip()) : Optional.empty();
        return new Declared(root.path("runtime").asText(""), code, command, build);
    }

    boolean javaFunction() {
        return runtime.equals("java");
    }
}
