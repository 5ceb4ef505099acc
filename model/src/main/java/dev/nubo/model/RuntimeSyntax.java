package dev.nubo.model;

import static dev.nubo.model.DescriptorParser.describe;
import static dev.nubo.model.DescriptorParser.invalid;
import static dev.nubo.model.DescriptorParser.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How each {@code runtime:} of nubo.yaml is written: the fields it refuses and why, the default
 * {@code scale.limit}, and how its {@link Descriptor.Runtime} is read. One constant per kind, so that
 * adding a runtime kind here means one constant, its record in {@link Descriptor}, and its launcher in
 * the runtimes module ({@code RuntimeKind}); nothing else in model names the kinds.
 */
enum RuntimeSyntax {

    PROCESS("process", Descriptor.Process.class, List.of("handler", "code", "layers", "root", "spa", "notFound")) {
        @Override
        Descriptor.Runtime read(JsonNode root) {
            return new Descriptor.Process(command(root.get("command"), key,
                    "give the program and its arguments as a list, e.g. `command: [node, server.js]`; it must serve HTTP on $PORT"));
        }

        @Override
        String whyRefused(String field) {
            return List.of("root", "spa", "notFound").contains(field) ? "`" + field + "` is for `runtime: static` (a directory the gateway serves)"
                    : "`handler`, `code` and `layers` are for function runtimes (java, node, python); a process runs `command`";
        }
    },

    JAVA("java", Descriptor.JavaFunction.class, List.of("command", "root", "spa", "notFound")) {
        @Override
        Descriptor.Runtime read(JsonNode root) {
            String handler = handler(root, JAVA_HANDLER, "a fully qualified class name, optionally with Lambda's ::method",
                    "com.example.Hello", "name the class implementing dev.nubo.function.Handler, HttpHandler or AWS Lambda's"
                            + " RequestHandler, e.g. `handler: com.example.Hello`");
            String code = requiredText(root, "code",
                    "point it at the compiled code inside this directory: a jar (`code: target/app.jar`) or classes (`code: target/classes`)");
            DescriptorParser.relativePath(code, "code");
            return new Descriptor.JavaFunction(handler, code, layers(root));
        }

        @Override
        String whyRefused(String field) {
            return "a Java function is started by Nubo: remove `command`";
        }
    },

    NODE("node", Descriptor.NodeFunction.class, List.of("command", "code", "root", "spa", "notFound")) {
        @Override
        Descriptor.Runtime read(JsonNode root) {
            return new Descriptor.NodeFunction(handler(root, NODE_HANDLER, "FILE.EXPORT", "index.handler",
                    "name the file and its exported function, e.g. `handler: index.handler` for"
                            + " `export const handler = async (event, context) => ...` in index.js or index.mjs"), layers(root));
        }
    },

    PYTHON("python", Descriptor.PythonFunction.class, List.of("command", "code", "root", "spa", "notFound")) {
        @Override
        Descriptor.Runtime read(JsonNode root) {
            return new Descriptor.PythonFunction(handler(root, PYTHON_HANDLER, "MODULE.FUNCTION", "main.handler",
                    "name the module and its function, e.g. `handler: main.handler` for `def handler(event, context)` in main.py"),
                    layers(root));
        }
    },

    /** A custom runtime serves one invocation at a time (as on Lambda), hence its default {@code scale.limit} of 1. */
    PROVIDED("provided", Descriptor.Provided.class, List.of("code", "layers", "root", "spa", "notFound"), 1) {
        @Override
        Descriptor.Runtime read(JsonNode root) {
            List<String> command = root.has("command") ? command(root.get("command"), key, "give the custom runtime's program and"
                    + " arguments as a list, e.g. `command: [./bootstrap]`; it polls $AWS_LAMBDA_RUNTIME_API") : List.of("./bootstrap");
            Optional<String> handler = root.has("handler") ? Optional.of(requiredText(root, "handler",
                    "the value the runtime reads from $_HANDLER, e.g. `handler: com.example.Hello::handleRequest`"))
                    : Optional.empty();
            return new Descriptor.Provided(command, handler);
        }

        @Override
        String whyRefused(String field) {
            return "a custom runtime is the deployed directory and its `command`: remove `" + field
                    + "` (put what a layer would bring in the directory)";
        }
    },

    /** A directory the gateway serves itself: no process, so nothing to run and nothing to name. */
    STATIC("static", Descriptor.Static.class, List.of("command", "handler", "code", "layers")) {
        @Override
        Descriptor.Runtime read(JsonNode root) {
            String served = root.has("root") ? requiredText(root, "root",
                    "name the built site's directory inside the deployed one, e.g. `root: dist`") : ".";
            DescriptorParser.relativePath(served, "root");
            JsonNode spa = root.get("spa");
            if (spa != null && !spa.isNull() && !spa.isBoolean()) {
                throw invalid("nubo.yaml: `spa` must be true or false, found " + describe(spa),
                        "`spa: true` answers paths without a file (a single-page app's routes) with index.html");
            }
            Optional<String> notFound = Optional.empty();
            if (root.has("notFound")) {
                notFound = Optional.of(requiredText(root, "notFound", "name a page under the root, e.g. `notFound: 404.html`"));
                DescriptorParser.relativePath(notFound.get(), "notFound");
            }
            return new Descriptor.Static(served, spa != null && spa.asBoolean(), notFound);
        }

        @Override
        String whyRefused(String field) {
            return "a static site is the deployed directory, served by the gateway with no process: remove `" + field + "`";
        }
    };

    private static final Pattern JAVA_HANDLER =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*(::[\\p{L}_$][\\p{L}\\p{N}_$]*)?");
    /** {@code index.handler}, {@code src/index.handler}: a file in the deployed directory, then an export. */
    private static final Pattern NODE_HANDLER = Pattern.compile("([A-Za-z0-9_.-]+/)*[A-Za-z0-9_-]+\\.[A-Za-z_$][A-Za-z0-9_$]*");
    /** {@code main.handler}, {@code app.api.handler}, {@code src/main.handler}. */
    private static final Pattern PYTHON_HANDLER = Pattern.compile("([A-Za-z0-9_.-]+/)*[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");

    /** The value of {@code runtime:}. */
    final String key;
    private final Class<? extends Descriptor.Runtime> type;
    private final List<String> refused;
    /** {@code scale.limit} when nubo.yaml gives none; 0 is no limit. */
    final int defaultLimit;

    RuntimeSyntax(String key, Class<? extends Descriptor.Runtime> type, List<String> refused) {
        this(key, type, refused, 0);
    }

    RuntimeSyntax(String key, Class<? extends Descriptor.Runtime> type, List<String> refused, int defaultLimit) {
        this.key = key;
        this.type = type;
        this.refused = refused;
        this.defaultLimit = defaultLimit;
    }

    /** Reads the runtime's own fields of {@code root}, which has already been checked for unknown fields. */
    abstract Descriptor.Runtime read(JsonNode root);

    /** How to fix a nubo.yaml that gives {@code field}, which this runtime refuses. */
    String whyRefused(String field) {
        return "a " + key + " function is the deployed directory itself, started by Nubo: remove `" + field
                + "` and name the function with `handler`";
    }

    /** The {@code runtime:} of {@code root}, read. */
    static Descriptor.Runtime parse(JsonNode root) {
        String key = requiredText(root, "runtime",
                "add `runtime: process` (any program serving HTTP on $PORT), a function runtime: java, node, python, provided,"
                        + " or `runtime: static` for a directory of files");
        RuntimeSyntax syntax = Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst().orElseThrow(() -> invalid(
                "nubo.yaml: `runtime` must be one of " + String.join(", ", Arrays.stream(values()).map(s -> s.key).toList())
                        + " (got '" + key + "')",
                "use `runtime: process` with `command: [node, server.js]` to run any HTTP server unmodified,"
                        + " or a function runtime with `handler`; see docs/DESCRIPTOR.md"));
        for (String field : syntax.refused) {
            if (root.has(field)) {
                throw invalid("nubo.yaml: `" + field + "` does not apply to runtime " + key, syntax.whyRefused(field));
            }
        }
        return syntax.read(root);
    }

    /** The syntax {@code runtime} was read with. */
    static RuntimeSyntax of(Descriptor.Runtime runtime) {
        for (RuntimeSyntax syntax : values()) {
            if (syntax.type.isInstance(runtime)) {
                return syntax;
            }
        }
        throw new IllegalStateException("no runtime syntax reads " + runtime.getClass().getName() + "; add one to RuntimeSyntax");
    }

    /** As many as Lambda takes. */
    static final int MAX_LAYERS = 5;

    private static List<String> layers(JsonNode root) {
        JsonNode node = root.get("layers");
        String hint = "list directories or .zip archives inside the deployed directory, e.g. `layers: [layers/common, deps.zip]`";
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("nubo.yaml: `layers` must be a list of paths, found " + describe(node), hint);
        }
        if (node.size() > MAX_LAYERS) {
            throw invalid("nubo.yaml: `layers` lists " + node.size() + " layers, more than " + MAX_LAYERS + " (as on Lambda)",
                    "merge some of them into one directory");
        }
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode layer = node.get(i);
            if (!layer.isTextual() || layer.asText().isBlank()) {
                throw invalid("nubo.yaml: `layers[" + i + "]` must be a path, found " + describe(layer), hint);
            }
            DescriptorParser.relativePath(layer.asText().strip(), "layers[" + i + "]");
            layers.add(layer.asText().strip());
        }
        return layers;
    }

    private static String handler(JsonNode root, Pattern shape, String shapeName, String example, String hint) {
        String handler = requiredText(root, "handler", hint);
        if (!shape.matcher(handler).matches()) {
            throw invalid("nubo.yaml: `handler` must be " + shapeName + " (got '" + handler + "')",
                    "e.g. `handler: " + example + "`");
        }
        return handler;
    }

    private static List<String> command(JsonNode node, String runtime, String hint) {
        if (node == null || node.isNull()) {
            throw invalid("nubo.yaml: `command` is required for runtime " + runtime, hint);
        }
        if (node.isTextual()) {
            if (node.asText().isBlank()) {
                throw invalid("nubo.yaml: `command` is empty", hint);
            }
            return List.of("/bin/sh", "-c", "exec " + node.asText());
        }
        if (!node.isArray() || node.isEmpty()) {
            throw invalid("nubo.yaml: `command` must be a non-empty list of strings, found " + describe(node), hint);
        }
        List<String> command = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode arg = node.get(i);
            if (!arg.isValueNode() || arg.isNull()) {
                throw invalid("nubo.yaml: `command[" + i + "]` must be a string, found " + describe(arg), hint);
            }
            command.add(arg.asText());
        }
        if (command.getFirst().isBlank()) {
            throw invalid("nubo.yaml: `command[0]` (the program) is empty", hint);
        }
        return command;
    }
}
