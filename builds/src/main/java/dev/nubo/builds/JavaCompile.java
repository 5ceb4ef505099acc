package dev.nubo.builds;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Recompiles only the Java sources that changed, straight into a Maven project's
 * {@code target/classes}, with the JDK's compiler in this JVM: what {@code nubo dev} does on a save
 * instead of a whole {@code mvn package} (seconds of JVM start, project model and plugins for one
 * changed file). The class path is the project's compile class path, which Maven writes once
 * ({@code dependency:build-classpath}) and again when pom.xml changes. Resources are copied.
 *
 * <p>It applies to a Java function whose {@code code} is {@code target/classes}; anything else (a
 * jar, a Spring Boot app's repackaged jar, a changed pom.xml) takes the full build.
 */
public final class JavaCompile {

    static final Path SOURCES = Path.of("src", "main", "java");
    static final Path RESOURCES = Path.of("src", "main", "resources");
    static final Path CLASS_PATH_FILE = Path.of(".nubo", "classpath");
    /** The digest of the pom.xml that {@link #CLASS_PATH_FILE} was written for. */
    static final Path CLASS_PATH_STAMP = Path.of(".nubo", "classpath.pom");

    private final Path dir;
    private final Path classes;
    private final JavaCompiler javac;
    private String release = "";

    private JavaCompile(Path dir, Path classes, JavaCompiler javac) {
        this.dir = dir;
        this.classes = classes;
        this.javac = javac;
    }

    /** For a Maven Java function with a classes directory as {@code code}, on a JDK; empty otherwise. */
    public static Optional<JavaCompile> of(Project project) {
        Declared d = project.declared();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (!project.maven() || !d.javaFunction() || d.code().isEmpty() || javac == null) {
            return Optional.empty();
        }
        Path classes = project.directory().resolve(d.code().get()).normalize();
        if (!classes.equals(project.directory().resolve("target/classes"))) {
            return Optional.empty();
        }
        return Optional.of(new JavaCompile(project.directory(), classes, javac));
    }

    /**
     * Asks Maven for the compile class path, unless it did for this very pom.xml and every jar it named
     * is still there (a Maven run costs seconds at each {@code nubo dev} start), and compiles every
     * source once, to warm the compiler up.
     */
    public void prepare(Project project, BuildLog log) {
        Path stampFile = dir.resolve(CLASS_PATH_STAMP);
        String stamp;
        String previous;
        try {
            stamp = Project.digest(dir, List.of("pom.xml"));
            previous = Files.exists(stampFile) ? Files.readString(stampFile) : "";
            // Gone while Maven runs, so that a failed run leaves no stamp on an old class path.
            Files.deleteIfExists(stampFile);
        } catch (IOException e) {
            throw new BuildFailure("cannot read " + dir.resolve("pom.xml") + " or " + stampFile + ": " + e.getMessage(),
                    "check that the directory is readable and writable");
        }
        if (stamp.equals(previous) && classPathPresent()) {
            log.step("class path unchanged since pom.xml last changed (" + CLASS_PATH_FILE + ")");
        } else {
            Path mvn = MavenBuild.program(dir, project.env());
            List<String> command = List.of(mvn.toString(), "-q", "-B", "-Dstyle.color=never",
                    MavenBuild.DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=" + dir.resolve(CLASS_PATH_FILE));
            Commands.run(command, dir, MavenBuild.mavenEnvironment(project.env()), log, Commands.failed(List.of("mvn",
                    "dependency:build-classpath"), "fix pom.xml (the last lines are above)"));
        }
        try {
            Files.writeString(stampFile, stamp);
        } catch (IOException e) {
            log.step("cannot write " + stampFile + " (" + e.getMessage() + "); the next start asks Maven again");
        }
        release = release(dir.resolve("pom.xml"));
        try {
            Path scratch = Files.createTempDirectory("nubo-javac-");
            try {
                compile(allSources(), scratch);
            } finally {
                Project.deleteTree(scratch);
            }
        } catch (IOException | BuildFailure e) {
            log.step("the compiler's warm-up did not work (" + e.getMessage() + "); the first save compiles slower");
        }
    }

    /**
     * Brings target/classes up to date with the changed files (relative paths; deleted ones are
     * gone from disk).
     *
     * @return false when a change needs the full build instead: pom.xml, or anything outside
     *     src/main/java and src/main/resources
     * @throws BuildFailure with javac's messages when the sources do not compile
     */
    public boolean update(Set<Path> changed, BuildLog log) {
        List<Path> sources = new ArrayList<>();
        try {
            for (Path rel : changed) {
                Path file = dir.resolve(rel);
                if (rel.startsWith(SOURCES) && rel.toString().endsWith(".java")) {
                    if (Files.exists(file)) {
                        sources.add(file);
                    } else {
                        deleteClasses(SOURCES.relativize(rel));
                    }
                } else if (rel.startsWith(RESOURCES)) {
                    Path target = classes.resolve(RESOURCES.relativize(rel).toString());
                    if (Files.isRegularFile(file)) {
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } else if (!Files.exists(file)) {
                        Files.deleteIfExists(target);
                    }
                } else if (rel.startsWith(Path.of("src", "test")) || rel.toString().endsWith(".md")) {
                    continue; // tests and notes do not change what runs
                } else {
                    return false;
                }
            }
        } catch (IOException e) {
            throw new BuildFailure("cannot update " + classes + ": " + e.getMessage(), "run `nubo deploy` for a full build");
        }
        if (!sources.isEmpty()) {
            log.step("javac " + sources.stream().map(s -> dir.relativize(s).toString()).reduce((a, b) -> a + " " + b).orElse(""));
            compile(sources, classes);
        }
        return true;
    }

    private void compile(List<Path> sources, Path out) {
        if (sources.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-g", "-proc:none",
                "-cp", classes + File.pathSeparator + classPath(),
                "-sourcepath", dir.resolve(SOURCES).toString(), "-encoding", "UTF-8"));
        if (!release.isEmpty()) {
            args.addAll(List.of("--release", release));
        }
        StringWriter messages = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            ok = javac.getTask(messages, files, null, args, null, files.getJavaFileObjectsFromPaths(sources)).call();
        } catch (IOException e) {
            throw new BuildFailure("the Java compiler failed: " + e.getMessage(), "run `nubo deploy` for a full build");
        }
        if (!ok) {
            List<String> lines = messages.toString().lines().toList();
            throw new BuildFailure("the Java sources do not compile", "fix the error above and save again",
                    lines.subList(Math.max(0, lines.size() - Commands.LAST_LINES), lines.size()));
        }
    }

    /**
     * {@code maven.compiler.release} of the pom, so that a save compiles as {@code mvn package} did;
     * empty (this JDK's own level) when the pom does not say it this way.
     */
    static String release(Path pom) {
        try {
            var m = java.util.regex.Pattern.compile("<maven\\.compiler\\.release>\\s*(\\d+)\\s*</").matcher(Files.readString(pom));
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether the class path was written and every entry it names exists (a cleaned ~/.m2 needs Maven again). */
    private boolean classPathPresent() {
        if (!Files.isRegularFile(dir.resolve(CLASS_PATH_FILE))) {
            return false;
        }
        String entries = classPath();
        return entries.isEmpty() || java.util.Arrays.stream(entries.split(File.pathSeparator)).allMatch(e -> Files.exists(Path.of(e)));
    }

    private String classPath() {
        try {
            return Files.readString(dir.resolve(CLASS_PATH_FILE)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private List<Path> allSources() throws IOException {
        try (var files = Files.walk(dir.resolve(SOURCES))) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    /** A deleted Foo.java: its Foo.class and Foo$*.class go too. */
    private void deleteClasses(Path source) throws IOException {
        String base = source.getFileName().toString().replaceFirst("\\.java$", "");
        Path pkg = classes.resolve(source.toString()).getParent();
        if (!Files.isDirectory(pkg)) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(pkg, base + "{.class,$*.class}")) {
            for (Path f : stream) {
                Files.delete(f);
            }
        }
    }
}
