package dev.nubo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nubo init KIND [DIR]}: a new project from a {@link Template}, ready for {@code nubo deploy}.
 * Nothing is overwritten: a file of the template that exists already stops it before anything is written.
 */
@Command(name = "init", description = "Create a project that builds and deploys as it is: KIND is one of"
        + " java, java-lambda, spring-boot, node, node-function, python, python-function.")
final class Init implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", completionCandidates = Kinds.class,
            description = "What to create: ${COMPLETION-CANDIDATES}.")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "Where (created if missing; default: the current directory).")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "The service's name (default: from DIR's name).")
    String name;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    final Env env;

    Init(Env env) {
        this.env = env;
    }

    /** The kinds, for the help text and shell completion. */
    static final class Kinds extends ArrayList<String> {
        Kinds() {
            for (Template t : Template.values()) {
                add(t.kind());
            }
        }
    }

    @Override
    public Integer call() {
        Template template;
        try {
            template = Template.of(kind);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "unknown KIND '" + kind + "'; use one of "
                    + String.join(", ", new Kinds()));
        }
        Path target = dir.toAbsolutePath().normalize();
        String service = name != null ? checkedName(name) : nameOf(target);
        List<Template.File> files = template.files();
        List<String> existing = files.stream().map(Template.File::target).filter(f -> Files.exists(target.resolve(f))).toList();
        if (!existing.isEmpty()) {
            throw new CommandError(target + " already has " + String.join(", ", existing),
                    "choose an empty or new directory: `nubo init " + kind + " my-service`");
        }
        Map<String, String> values = Map.of("__NAME__", service, "__API_VERSION__", FunctionApiJar.version());
        try {
            for (Template.File file : files) {
                Path path = target.resolve(file.target());
                Files.createDirectories(path.getParent());
                Files.writeString(path, Template.render(file, values));
            }
            if (template == Template.java) {
                FunctionApiJar.writeInto(target.resolve("repo"));
            }
        } catch (IOException e) {
            throw new CommandError("cannot write the project into " + target + ": " + e.getMessage(),
                    "check that the directory is writable");
        }
        PrintWriter out = spec.commandLine().getOut();
        String shown = dir.toString().equals(".") ? "." : dir.toString();
        out.println("✓ created " + template.description + " in " + shown + ": service " + service);
        files.forEach(f -> out.println("  " + f.target()));
        out.println("next: nubo deploy " + shown + "   (builds it, then deploys it and prints its URL)");
        out.println("      nubo dev " + shown + "      (redeploys on every save and shows its logs)");
        out.flush();
        return 0;
    }

    private String checkedName(String n) {
        if (!n.matches("[a-z]([a-z0-9-]{0,38}[a-z0-9])?")) {
            throw new ParameterException(spec.commandLine(), "--name must be a DNS label: lowercase letters, digits and"
                    + " '-', starting with a letter, at most 40 characters (got '" + n + "')");
        }
        return n;
    }

    /** The directory's name as a DNS label: {@code My_Service} → {@code my-service}; {@code hello} if nothing is left. */
    static String nameOf(Path dir) {
        Path last = dir.getFileName();
        String raw = last == null ? "" : last.toString().toLowerCase(Locale.ROOT);
        String label = raw.replaceAll("[^a-z0-9]+", "-").replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        if (label.length() > 40) {
            label = label.substring(0, 40).replaceAll("-+$", "");
        }
        return label.isEmpty() ? "hello" : label;
    }
}
