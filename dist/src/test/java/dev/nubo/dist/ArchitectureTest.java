package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module dependency rules of docs/ARCHITECTURE.md, checked on the sources: a module's main code
 * may import Nubo packages only from the modules listed here. Maven already refuses imports from
 * modules a POM does not declare; this also catches a POM that declares too much.
 */
class ArchitectureTest {

    /** module folder → the Nubo packages its main code may import (its own is always allowed). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("function-api", Set.of()),
            Map.entry("model", Set.of()),
            Map.entry("store", Set.of("model")),
            Map.entry("instances", Set.of("model")),
            Map.entry("lambda-http", Set.of()),
            Map.entry("java-runtime", Set.of("function", "lambdahttp")),
            Map.entry("runtimes", Set.of("model", "instances")),
            Map.entry("runtime-api", Set.of("model", "lambdahttp")),
            Map.entry("gateway", Set.of("model")),
            Map.entry("apis", Set.of("model", "gateway")),
            Map.entry("autoscaler", Set.of()),
            Map.entry("events", Set.of("model", "eventsink")),
            Map.entry("event-sink", Set.of("model")),
            Map.entry("sources", Set.of("model", "eventsink")),
            Map.entry("kafka-source", Set.of("model", "eventsink")),
            Map.entry("workflows", Set.of("model", "store")),
            Map.entry("console", Set.of()),
            Map.entry("registry", Set.of("model")),
            Map.entry("config", Set.of("model", "store")),
            Map.entry("access", Set.of("model", "store")),
            Map.entry("metrics", Set.of("model", "gateway", "store")),
            Map.entry("tracing", Set.of("model", "gateway", "events", "workflows")),
            Map.entry("builds", Set.of("model")),
            Map.entry("cli", Set.of("model", "builds")),
            Map.entry("server", Set.of("model", "builds", "store", "instances", "runtimes", "runtimeapi", "gateway", "apis", "autoscaler", "eventsink", "events",
                    "sources", "kafkasource", "workflows", "console", "registry", "config", "access", "metrics", "tracing")),
            // store: only its test fixture EmbeddedPostgres, for end-to-end runs with the state in PostgreSQL.
            Map.entry("testing", Set.of("model", "cli", "store")),
            Map.entry("dist", Set.of("server", "cli")));

    static final Map<String, String> PACKAGE = Map.of("function-api", "function", "java-runtime", "javaruntime",
            "runtime-api", "runtimeapi", "kafka-source", "kafkasource", "event-sink", "eventsink", "lambda-http", "lambdahttp");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.nubo\\.(\\w+)\\.", Pattern.MULTILINE);

    @Test
    void modulesImportOnlyWhatTheArchitectureAllows() throws IOException {
        Path root = TestNubo.repository();
        List<String> violations = new ArrayList<>();
        for (var entry : ALLOWED.entrySet()) {
            String module = entry.getKey();
            String own = PACKAGE.getOrDefault(module, module);
            Path main = root.resolve(module).resolve("src/main/java");
            assertThat(main).as("module %s", module).isDirectory();
            try (Stream<Path> files = Files.walk(main)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        String pkg = m.group(1);
                        if (!pkg.equals(own) && !entry.getValue().contains(pkg)) {
                            violations.add(root.relativize(f) + " imports dev.nubo." + pkg);
                        }
                    }
                }
            }
        }
        assertThat(violations).as("imports that break the module rules in docs/ARCHITECTURE.md").isEmpty();
    }

    @Test
    void everyModuleIsOneFlatPackage() throws IOException {
        Path root = TestNubo.repository();
        for (String module : ALLOWED.keySet()) {
            Path base = root.resolve(module).resolve("src/main/java/dev/nubo");
            try (Stream<Path> dirs = Files.list(base)) {
                List<Path> packages = dirs.filter(Files::isDirectory).toList();
                assertThat(packages).as("packages of %s", module).hasSize(1);
                try (Stream<Path> nested = Files.list(packages.getFirst())) {
                    assertThat(nested.filter(Files::isDirectory).toList()).as("sub-packages of %s", module).isEmpty();
                }
            }
        }
    }

    /**
     * Only public API of libraries: an internal package (Vert.x's {@code io.vertx.core.internal}, the
     * JDK's {@code sun.*}) changes without notice in a patch release, and a runtime that needed one
     * once did (a bridge's event loop through {@code VertxInternal}; a verticle does it publicly).
     */
    @Test
    void mainCodeImportsNoInternalPackageOfALibrary() throws IOException {
        Path root = TestNubo.repository();
        Pattern internal = Pattern.compile("^import (?:static )?((?:[\\w.]+\\.internal|sun|jdk\\.internal)\\.[\\w.]+);",
                Pattern.MULTILINE);
        List<String> violations = new ArrayList<>();
        for (String module : ALLOWED.keySet()) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = internal.matcher(Files.readString(f));
                    while (m.find()) {
                        violations.add(root.relativize(f) + " imports " + m.group(1));
                    }
                }
            }
        }
        assertThat(violations).as("imports of libraries' internal packages").isEmpty();
    }

    /**
     * End-to-end tests start the packaged server as a process (TestNubo); a server built from this
     * module's test class path would hide a jar missing from the distribution, as it once did.
     */
    @Test
    void endToEndTestsNeverRunTheServerInTheTestJvm() throws IOException {
        Path tests = TestNubo.repository().resolve("dist/src/test/java");
        Pattern inProcess = Pattern.compile("^import (?:static )?dev\\.nubo\\.server\\.|\\bNuboServer\\b|\\bNubo\\.(?:class|main)\\b",
                Pattern.MULTILINE);
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("ArchitectureTest.java")).toList()) {
                if (inProcess.matcher(Files.readString(f)).find()) {
                    violations.add(tests.relativize(f).toString());
                }
            }
        }
        assertThat(violations).as("dist tests that run server code in the test JVM instead of through TestNubo").isEmpty();
    }
}
