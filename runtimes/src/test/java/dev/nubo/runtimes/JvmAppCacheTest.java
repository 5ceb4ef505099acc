package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs record and use the start cache of a small app, as instances of a revision would. */
class JvmAppCacheTest {

    private static final Path JDK_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    @TempDir
    Path code;

    @TempDir
    Path cacheRoot;

    JvmAppCache cache;

    @BeforeEach
    void setUp() throws IOException {
        cache = new JvmAppCache(cacheRoot);
        Files.writeString(code.resolve("Hello.java"), """
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println("hello " + java.util.List.of(args) + " " + new java.util.TreeMap<>(java.util.Map.of("a", 1)));
                    }
                }
                """);
    }

    @Test
    void theFirstStartRecordsAndLaterStartsUseTheAotCache() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assumeTrue(Runtime.version().feature() >= 24, "the AOT cache needs JDK 24+");
        List<String> command = app(java, Runtime.version().feature());

        Map<String, String> first = new HashMap<>();
        assertThat(cache.launch("hello-00001-aaaaa", command, code, first)).isEqualTo(command);
        assertThat(first.get("JDK_JAVA_OPTIONS")).startsWith("-XX:AOTMode=record -XX:AOTConfiguration=");
        assertThat(cache.status(command, code, Map.of())).get().asString().contains("instance hello-00001-aaaaa records it");
        // A second start while the first records runs as before.
        Map<String, String> meanwhile = new HashMap<>();
        cache.launch("hello-00001-bbbbb", command, code, meanwhile);
        assertThat(meanwhile).doesNotContainKey("JDK_JAVA_OPTIONS");

        assertThat(run(command, first)).contains("hello [x]");
        cache.exited("hello-00001-aaaaa", true);
        cache.awaitIdle(Duration.ofMinutes(2));

        Map<String, String> later = new HashMap<>();
        cache.launch("hello-00001-ccccc", command, code, later);
        assertThat(later.get("JDK_JAVA_OPTIONS")).startsWith("-XX:AOTCache=").endsWith("app.aot");
        assertThat(cache.status(command, code, Map.of())).get().asString().startsWith("AOT cache in use, JDK " + javaVersion());
        // The JVM says it mapped the cache; a cache it refused would make it say so and run without.
        later.put("JDK_JAVA_OPTIONS", later.get("JDK_JAVA_OPTIONS") + " -Xlog:aot=info");
        assertThat(run(command, later)).contains("hello [x]").containsIgnoringCase("Opened AOT cache");
    }

    @Test
    void aJdk17AppGetsAnAppCdsArchive() throws Exception {
        assumeTrue(Files.isExecutable(JDK_17.resolve("bin/java")), "needs a JDK 17 at " + JDK_17);
        List<String> command = app(JDK_17.resolve("bin/java"), 17);

        Map<String, String> first = new HashMap<>(Map.of("JDK_JAVA_OPTIONS", "-Xss1m"));
        cache.launch("hello-00001-aaaaa", command, code, first);
        assertThat(first.get("JDK_JAVA_OPTIONS")).startsWith("-Xss1m -XX:ArchiveClassesAtExit=");
        run(command, first);
        cache.exited("hello-00001-aaaaa", true);

        Map<String, String> later = new HashMap<>();
        cache.launch("hello-00001-bbbbb", command, code, later);
        assertThat(later.get("JDK_JAVA_OPTIONS")).startsWith("-XX:SharedArchiveFile=").endsWith("app.jsa");
        assertThat(cache.status(command, code, Map.of())).get().asString().startsWith("AppCDS archive in use, JDK 17");
        later.put("JDK_JAVA_OPTIONS", later.get("JDK_JAVA_OPTIONS") + " -Xlog:cds=info");
        assertThat(run(command, later)).contains("hello [x]").contains("Mapped dynamic region");
    }

    @Test
    void aRecordingThatLeavesNothingIsTriedOnceMoreThenTheAppRunsWithoutAndSaysWhy() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-cp", ".", "Hello");

        cache.launch("hello-00001-aaaaa", command, code, new HashMap<>());
        cache.exited("hello-00001-aaaaa", true); // killed: the JVM wrote nothing
        Map<String, String> second = new HashMap<>();
        cache.launch("hello-00001-bbbbb", command, code, second);
        assertThat(second).containsKey("JDK_JAVA_OPTIONS");
        cache.exited("hello-00001-bbbbb", false);

        Map<String, String> third = new HashMap<>();
        cache.launch("hello-00001-ccccc", command, code, third);
        assertThat(third).doesNotContainKey("JDK_JAVA_OPTIONS");
        assertThat(cache.status(command, code, Map.of())).get().asString()
                .startsWith("none: the ")
                .contains("failed 2 times (last: instance hello-00001-bbbbb stopped before it was ready); the app runs as before");
    }

    @Test
    void aJdkWithoutSupportRunsAsBeforeAndSaysSo() throws IOException {
        Path jdk = Files.createDirectories(cacheRoot.resolve("old-jdk/bin"));
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\nexit 0\n");
        jdk.resolve("java").toFile().setExecutable(true);
        Files.writeString(jdk.getParent().resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
        List<String> command = List.of(jdk.resolve("java").toString(), "-jar", "app.jar");

        Map<String, String> env = new HashMap<>();
        assertThat(cache.launch("old-00001-aaaaa", command, code, env)).isEqualTo(command);
        assertThat(env).isEmpty();
        assertThat(cache.status(command, code, Map.of())).get().asString()
                .startsWith("none: JDK 11.0.2 (" + jdk.resolve("java") + ") has neither an AOT cache (JDK 24+) nor AppCDS archives");
    }

    @Test
    void aCommandThatDoesNotRunJavaIsLeftAlone() {
        Map<String, String> env = new HashMap<>();
        List<String> command = List.of("python3", "app.py");

        assertThat(cache.launch("py-00001-aaaaa", command, code, env)).isEqualTo(command);
        assertThat(env).isEmpty();
        assertThat(cache.status(command, code, Map.of())).isEmpty();
    }

    @Test
    void findsTheJdkOfJavaOnThePathThroughItsLinks() throws IOException {
        Path bin = Files.createDirectories(cacheRoot.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));

        JavaLauncher found = JavaLauncher.of(List.of("java", "-version"), "/nonexistent:" + bin).orElseThrow();

        assertThat(found.program()).isEqualTo(bin.resolve("java"));
        assertThat(found.feature()).isEqualTo(Runtime.version().feature());
        assertThat(JavaLauncher.feature("1.8.0_402")).isEqualTo(8);
        assertThat(JavaLauncher.of(List.of("javac"), bin.toString())).isEmpty();
    }

    /** Hello compiled for {@code release} into the code directory; the command that runs it with {@code java}. */
    private List<String> app(Path java, int release) {
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", Integer.toString(release),
                "-d", code.toString(), code.resolve("Hello.java").toString());
        assertThat(compiled).isZero();
        return List.of(java.toString(), "-cp", ".", "Hello", "x");
    }

    private String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(code.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static String javaVersion() throws IOException {
        String release = Files.readString(Path.of(System.getProperty("java.home"), "release"));
        return release.replaceAll("(?s).*JAVA_VERSION=\"([^\"]+)\".*", "$1");
    }
}
