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
        Commands.run(command, dir, quiet(env), log, Commands.failed(List.of("mvn", "-q", "-B", "package"),
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

    /**
     * Maven's environment without the warning its bundled Guava makes JDK 24 and later print on every
     * run (four lines about sun.misc.Unsafe, in every build's output): the flag that silences it is
     * added when MAVEN_OPTS is unset and the JDK Maven runs on is that new. JDK 23 and older refuse it.
     */
    static Map<String, String> quiet(Map<String, String> env) {
        if (env.containsKey("MAVEN_OPTS")) {
            return env;
        }
        Path home = Path.of(env.getOrDefault("JAVA_HOME", System.getProperty("java.home")));
        try {
            String release = Files.readString(home.resolve("release"));
            var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(release);
            if (m.find() && Integer.parseInt(m.group(1)) >= 24) {
                Map<String, String> quiet = new java.util.HashMap<>(env);
                quiet.put("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow");
                return quiet;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no release file: leave Maven as it is
        }
        return env;
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
