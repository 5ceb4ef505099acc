package dev.nubo.builds;

import dev.nubo.model.BuildSection;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A service's source directory on its way to an upload: which build it has, running it, and
 * zipping what is to be uploaded. Used where {@code nubo deploy} and {@code nubo dev} run, and by the
 * server for deploys from git.
 *
 * <pre>{@code
 * Project project = Project.open(Path.of("hello"));
 * project.build(log);                        // mvn -q -B package ..., output to the log
 * try (Archive zip = project.archive()) {    // the files that go up
 *     upload(zip.file());
 * }
 * }</pre>
 *
 * <p>The build is nubo.yaml's {@code build:} section if it has one, else detected: {@code pom.xml}
 * ({@link MavenBuild}), {@code package.json} ({@link NpmBuild}), {@code requirements.txt}
 * ({@link PipBuild}), in that order. What is uploaded is the directory less, in this order (the last
 * rule that matches a path decides): {@code .git/}, {@code .nubo/}, {@code __pycache__/},
 * {@code *.pyc}; the build's defaults (a Maven project's {@code src/} and {@code target/} but what
 * the service runs); the user's {@code .nuboignore}; then the files the build staged apart
 * (node_modules, pip packages). nubo.yaml itself always goes up.
 */
public final class Project {

    public static final String IGNORE_FILE = ".nuboignore";
    static final List<String> ALWAYS_IGNORED = List.of(".git/", ".nubo/", "__pycache__/", "*.pyc");

    private final Path directory;
    private final Declared declared;
    private final Build build;
    private final Map<String, String> env;

    private Project(Path directory, Declared declared, Build build, Map<String, String> env) {
        this.directory = directory;
        this.declared = declared;
        this.build = build;
        this.env = env;
    }

    /**
     * The project in {@code directory}, which holds a nubo.yaml; its builds run with this process's
     * environment.
     *
     * @throws UserError when nubo.yaml's {@code build:} section is malformed
     * @throws BuildFailure when nubo.yaml cannot be read
     */
    public static Project open(Path directory) {
        return open(directory, System.getenv());
    }

    /** As {@link #open(Path)}, with {@code env} over this process's environment for the builds' commands. */
    public static Project open(Path directory, Map<String, String> env) {
        Path dir = directory.toAbsolutePath().normalize();
        Declared declared = Declared.read(dir);
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(env);
        return new Project(dir, declared, choose(dir, declared), Map.copyOf(all));
    }

    private static Build choose(Path dir, Declared declared) {
        BuildSection section = declared.build();
        if (section.off()) {
            return new NoBuild("build: none in nubo.yaml");
        }
        if (!section.command().isEmpty()) {
            return new CommandBuild(section.command(), section.output());
        }
        if (MavenBuild.applies(dir)) {
            return new MavenBuild(declared, section.output());
        }
        if (NpmBuild.applies(dir)) {
            return new NpmBuild(section.output());
        }
        if (PipBuild.applies(dir)) {
            return new PipBuild(section.output());
        }
        return new NoBuild("no pom.xml, package.json or requirements.txt");
    }

    public Path directory() {
        return directory;
    }

    Declared declared() {
        return declared;
    }

    Map<String, String> env() {
        return env;
    }

    /** The build in a few words, e.g. {@code Maven (mvn -q -B package)} or {@code none (build: none in nubo.yaml)}. */
    public String describeBuild() {
        return build.describe();
    }

    /** Whether there is anything to run, so that a caller can leave out the "building" step. */
    public boolean builds() {
        return !(build instanceof NoBuild);
    }

    /** Whether this is a Maven project, whose Java sources {@code nubo dev} may compile by itself. */
    public boolean maven() {
        return build instanceof MavenBuild;
    }

    /**
     * Runs the build, reporting to {@code log}, and checks that it made its outputs.
     *
     * @throws BuildFailure naming what failed, with the command's last lines
     */
    public void build(BuildLog log) {
        build.run(directory, env, log);
        for (String output : build.outputs()) {
            if (!Files.exists(directory.resolve(output))) {
                throw new BuildFailure("the build ran but made no " + output,
                        "check that the build writes it, or fix " + (declared.code().filter(output::equals).isPresent()
                                ? "`code`" : "`build.output`") + " in nubo.yaml");
            }
        }
    }

    /** The rules that choose what is uploaded, in the order they apply (later ones win). */
    IgnoreRules rules() {
        List<String> lines = new ArrayList<>(ALWAYS_IGNORED);
        lines.addAll(build.defaults());
        build.outputs().forEach(output -> lines.add("!/" + output));
        Path user = directory.resolve(IGNORE_FILE);
        if (Files.isRegularFile(user)) {
            try {
                lines.addAll(Files.readAllLines(user));
            } catch (IOException e) {
                throw new BuildFailure("cannot read " + user + ": " + e.getMessage(), "check that it is readable");
            }
        }
        lines.add("!/" + Descriptor.FILE_NAME);
        return IgnoreRules.parse(String.join("\n", lines));
    }

    /** The files to upload, by their name in the upload. */
    public Map<String, Path> files() {
        return collect().files();
    }

    private SourceFiles collect() {
        try {
            SourceFiles files = SourceFiles.collect(directory, rules());
            for (var staged : build.staged(directory).entrySet()) {
                files = files.with(staged.getKey(), SourceFiles.collect(staged.getValue(),
                        IgnoreRules.parse(String.join("\n", ALWAYS_IGNORED))).files());
            }
            return files;
        } catch (IOException e) {
            throw new BuildFailure("cannot read " + directory + ": " + e.getMessage(),
                    "check that every file in it is readable, or list unreadable ones in " + IGNORE_FILE);
        }
    }

    /** Zips the files to upload into a temporary file, deleted when the archive is closed. */
    public Archive archive() {
        SourceFiles files = collect();
        try {
            return Archive.of(files);
        } catch (IOException e) {
            throw new BuildFailure("cannot zip " + directory + ": " + e.getMessage(),
                    "check that every file in it is readable and that the temporary directory has room");
        }
    }

    static String shown(List<String> command) {
        return command.size() == 3 && command.get(0).equals("sh") && command.get(1).equals("-c")
                ? command.get(2) : String.join(" ", command);
    }

    /** SHA-256 over the named files of {@code dir} that exist, for telling whether an install is still current. */
    static String digest(Path dir, List<String> names) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String name : names) {
                Path file = dir.resolve(name);
                sha.update((name + (Files.exists(file) ? "" : " (absent)") + "\0").getBytes());
                if (Files.exists(file)) {
                    try (InputStream in = Files.newInputStream(file)) {
                        sha.update(in.readAllBytes());
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Deletes a directory and everything in it, not following links; nothing if it is absent. */
    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
