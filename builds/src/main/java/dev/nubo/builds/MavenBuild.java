package dev.nubo.builds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A project with a {@code pom.xml}: {@code mvn -q -B package} (or the project's {@code ./mvnw}).
 * For a Java function it also copies the function's runtime dependencies into {@code lib/} beside
 * {@code code} (the layout the Java host loads, see docs/DESCRIPTOR.md), so any pom works without a
 * shade or assembly plugin; the dependency plugin is named with its version, as a pom without it
 * would otherwise make Maven look for the newest one on every build.
 *
 * <p>Uploaded: {@code code} and its {@code lib/}, or the jars a process's {@code command} names,
 * and none of {@code src/} and the rest of {@code target/}.
 */
record MavenBuild(Declared declared, List<String> outputs) implements Build {

    static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.11.0";

    @Override
    public String describe() {
        return "Maven (" + Project.shown(command(Path.of("mvn"), Path.of("."))) + ")";
    }

    @Override
    public void run(Path dir, Map<String, String> env, BuildLog log) {
        Path mvn = program(dir, env);
        Optional<Path> lib = libDirectory(dir);
        if (lib.isPresent() && lib.get().startsWith(dir.resolve("target"))) {
            // copy-dependencies only adds: a jar of a version since replaced would load beside its successor.
            Project.deleteTree(lib.get());
        }
        List<String> command = command(mvn, dir);
        Commands.run(command, dir, mavenEnvironment(env), log, Commands.failed(List.of("mvn", "-q", "-B", "package"),
                "fix the build (its last lines are above); run `mvn package` in " + dir + " to see all of it"));
    }

    List<String> command(Path mvn, Path dir) {
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-q", "-B", "-Dstyle.color=never", "package"));
        libDirectory(dir).ifPresent(lib -> command.addAll(List.of(DEPENDENCY_PLUGIN + ":copy-dependencies",
                "-DincludeScope=runtime", "-DoutputDirectory=" + lib)));
        return command;
    }

    /** For a Java function: {@code lib} beside {@code code}. */
    private Optional<Path> libDirectory(Path dir) {
        if (!declared.javaFunction()) {
            return Optional.empty();
        }
        return declared.code().map(code -> dir.resolve(code).normalize().resolveSibling("lib"));
    }

    /** Maven's JVM flags for a build of seconds: C1 only and the serial collector (about 40% less CPU here). */
    static final String SHORT_RUN = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /**
     * Maven's environment for a build a user waits on: {@link #SHORT_RUN}, as a {@code mvn package} of a
     * function lasts seconds and spends most of them compiling Maven's own code with C2; and, on JDK 24
     * and later, the flag that silences the four lines about sun.misc.Unsafe Maven's bundled Guava prints
     * on every run (JDK 23 and older refuse it). The user's own MAVEN_OPTS come after, so theirs win.
     */
    static Map<String, String> mavenEnvironment(Map<String, String> env) {
        StringBuilder opts = new StringBuilder(SHORT_RUN);
        String own = env.getOrDefault("MAVEN_OPTS", "").strip();
        if (!own.contains("--sun-misc-unsafe-memory-access") && javaRelease(env) >= 24) {
            opts.append(" --sun-misc-unsafe-memory-access=allow");
        }
        if (!own.isEmpty()) {
            opts.append(' ').append(own);
        }
        Map<String, String> maven = new java.util.HashMap<>(env);
        maven.put("MAVEN_OPTS", opts.toString());
        return maven;
    }

    /** The feature release of the JDK Maven runs on (JAVA_HOME's, else this one's); 0 when it cannot tell. */
    private static int javaRelease(Map<String, String> env) {
        Path home = Path.of(env.getOrDefault("JAVA_HOME", System.getProperty("java.home")));
        try {
            var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // no release file: add nothing a JDK might refuse
        }
    }

    static Path program(Path dir, Map<String, String> env) {
        Path wrapper = dir.resolve("mvnw");
        if (Files.isExecutable(wrapper)) {
            return wrapper;
        }
        return Commands.onPath("mvn", env).orElseThrow(() -> new BuildFailure(
                "the project has a pom.xml, but Maven (`mvn`) is not installed here",
                "install Maven (apt-get install maven), add the Maven wrapper (`mvn wrapper:wrapper`), or set"
                        + " `build.command` in nubo.yaml"));
    }

    @Override
    public List<String> defaults() {
        Set<String> kept = new LinkedHashSet<>();
        for (String path : kept()) {
            String[] parts = path.split("/");
            if (parts.length > 1 && parts[0].equals("target")) {
                kept.add("!/target/" + parts[1]);
            }
        }
        List<String> rules = new ArrayList<>(List.of("/src/", "/target/*"));
        rules.addAll(kept);
        return rules;
    }

    /** What the service runs from the build: {@code code} and its lib, the outputs, the paths {@code command} names. */
    private List<String> kept() {
        List<String> kept = new ArrayList<>(outputs);
        declared.code().ifPresent(code -> {
            kept.add(code);
            if (declared.javaFunction()) {
                Path parent = Path.of(code).normalize().getParent();
                kept.add(parent == null ? "lib" : parent.resolve("lib").toString());
            }
        });
        for (String word : declared.command()) {
            if (word.startsWith("target/")) {
                kept.add(word);
            }
        }
        return kept;
    }

    @Override
    public List<String> outputs() {
        List<String> all = new ArrayList<>(outputs);
        if (declared.javaFunction()) {
            declared.code().ifPresent(all::add);
        }
        return all;
    }

    static boolean applies(Path dir) {
        return Files.isRegularFile(dir.resolve("pom.xml"));
    }

}
