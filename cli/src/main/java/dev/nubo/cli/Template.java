package dev.nubo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A project that {@code nubo init} writes, shipped in this jar's resources under
 * {@code templates/KIND/}, with {@code templates/KIND.files} listing its files (a jar's resources
 * cannot be listed): one per line, {@code SOURCE [TARGET]} when the name differs ({@code gitignore
 * .gitignore}, as a dotfile would not survive Maven's resource copying). Every {@code __NAME__} in a
 * file becomes the service's name.
 */
enum Template {
    java("a Java function (dev.nubo.function.Handler), built with Maven"),
    java_lambda("an AWS Lambda RequestHandler in Java, run unchanged, built with Maven"),
    spring_boot("a Spring Boot app, built with Maven"),
    node("a Node.js app (any HTTP server on $PORT)"),
    node_function("a Node.js function, written as for AWS Lambda"),
    python("a Python app (any HTTP server on $PORT)"),
    python_function("a Python function, written as for AWS Lambda");

    /** One file: where it is in the resources, where it goes in the project. */
    record File(String resource, String target) {}

    final String description;

    Template(String description) {
        this.description = description;
    }

    /** As the user types it: {@code java-lambda}. */
    String kind() {
        return name().replace('_', '-');
    }

    static Template of(String kind) {
        for (Template t : values()) {
            if (t.kind().equals(kind)) {
                return t;
            }
        }
        throw new IllegalArgumentException(kind);
    }

    List<File> files() {
        List<File> files = new ArrayList<>();
        for (String line : text(kind() + ".files").split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (!parts[0].isEmpty()) {
                files.add(new File(kind() + "/" + parts[0], parts.length > 1 ? parts[1] : parts[0]));
            }
        }
        return files;
    }

    /** A file of the template with its placeholders replaced. */
    static String render(File file, Map<String, String> values) {
        String text = text(file.resource());
        for (var e : values.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        return text;
    }

    private static String text(String resource) {
        try (InputStream in = Template.class.getResourceAsStream("templates/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("the template file " + resource + " is missing from the CLI's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the template file " + resource, e);
        }
    }
}
