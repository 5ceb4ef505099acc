package dev.nubo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: the connection flags, the surroundings, and output through
 * picocli's writers (so tests and the {@code dist} launcher can redirect it). A command returns its
 * exit code, or throws {@link CommandError} for {@link ErrorReport} to print.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    // Only -h: a subcommand has no version of its own, so picocli's standard -V would print nothing.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    final Env env;

    ClientCommand(Env env) {
        this.env = env;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Api api() {
        return new Api(Connection.resolve(connection, env));
    }

    /** The namespace {@code -n} or {@code NUBO_NAMESPACE} names, if either does. */
    java.util.Optional<String> namespace() {
        return java.util.Optional.ofNullable(connection.namespace).or(() -> java.util.Optional.ofNullable(env.vars().get("NUBO_NAMESPACE")))
                .map(String::strip).filter(n -> !n.isEmpty());
    }

    /**
     * The service {@code name} as the API addresses it: {@code NAME.NAMESPACE} in a namespace other than
     * default ({@link dev.nubo.model.Namespaced}); a name that has its namespace already stays as it is.
     */
    String service(String name) {
        return name.contains(".") ? name : dev.nubo.model.Namespaced.qualified(name, namespace().orElse(dev.nubo.model.Namespaced.DEFAULT));
    }

    /** {@code ?namespace=NS} when a namespace is named, else nothing: for deploys and the list of services. */
    String namespaceQuery() {
        return namespace().map(ns -> "?namespace=" + Api.segment(ns)).orElse("");
    }

    /** A count such as {@code --limit}, where 0 or less is a usage mistake. */
    int atLeastOne(int n, String option) {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, not " + n);
        }
        return n;
    }

    /** The API's JSON as it came, indented; what {@code -o json} prints. */
    void printJson(JsonNode node) {
        try {
            out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /**
     * How a list command prints {@code json}, the API's answer: with {@code -o json} as it came; else
     * {@code none} when its {@code field} holds no item, or {@code table} with a row per item, each read
     * as {@code type}.
     */
    <T> int printList(Api api, Output output, JsonNode json, String field, String none, Table table, Class<T> type,
            BiConsumer<Table, T> row) {
        if (output.json()) {
            printJson(json);
            return 0;
        }
        JsonNode items = json.path(field);
        if (items.isEmpty()) {
            out().println(none);
        } else {
            for (JsonNode node : items) {
                row.accept(table, api.read(node, type));
            }
            table.print(out(), "");
        }
        out().flush();
        return 0;
    }

    /** How a describe command prints one object of the API. */
    interface Printer<T> {
        void print(T item, Instant now, PrintWriter out);
    }

    /** Prints the object at {@code path}: with {@code -o json} as it came, else read as {@code type} by {@code printer}. */
    <T> int show(Output output, String path, Class<T> type, Printer<T> printer) {
        try (Api api = api()) {
            JsonNode json = api.get(path);
            if (output.json()) {
                printJson(json);
            } else {
                printer.print(api.read(json, type), env.clock().instant(), out());
            }
            return 0;
        }
    }

    /** Deletes the object at {@code path} and says so: "deleted " + {@code what} + its name as the API answers it. */
    int delete(String path, String what, String name) {
        try (Api api = api()) {
            out().println("deleted " + what + api.delete(path).path("deleted").asText(name));
            out().flush();
            return 0;
        }
    }

    /** {@code -o json} for the commands that show the API's objects. */
    static final class Output {
        enum Format { text, json }

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
                description = "text (default) or json: the API's JSON, indented, for scripts.")
        Format format;

        boolean json() {
            return format == Format.json;
        }
    }
}
