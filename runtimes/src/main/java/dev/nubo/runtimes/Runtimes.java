package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Knows how each {@code runtime:} of {@code nubo.yaml} becomes a running process: the command, its
 * environment and its JVM flags. The instances module then runs that command without knowing
 * what it is.
 *
 * <pre>{@code
 * Runtimes runtimes = Runtimes.detect();
 * LaunchSpec spec = runtimes.launch(new Target(descriptor, codeDir, "hello-00001", "hello-00001-x7k2p", logFile, false));
 * }</pre>
 */
public final class Runtimes {

    static final String JAVA_HOST = "dev.nubo.javaruntime.JavaHost";

    private final Path java;
    private final String javaHostClassPath;

    Runtimes(Path java, String javaHostClassPath) {
        this.java = java;
        this.javaHostClassPath = javaHostClassPath;
    }

    /**
     * Uses the JVM running Nubo for Java functions (it is 21 or newer, or Nubo would not run), and
     * finds the Java host and its few dependencies where this JVM loaded them from.
     */
    public static Runtimes detect() {
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java"));
        Set<String> entries = new LinkedHashSet<>();
        for (String type : List.of(JAVA_HOST, "dev.nubo.function.Handler", "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.annotation.JsonProperty")) {
            entries.add(locationOf(type));
        }
        return new Runtimes(java, String.join(File.pathSeparator, entries));
    }

    /** Everything about one instance to start. */
    public record Target(Descriptor descriptor, Path codeDir, String revision, String instanceId, Path logFile, boolean proven) {}

    public LaunchSpec launch(Target t) {
        Descriptor d = t.descriptor();
        Map<String, String> env = new LinkedHashMap<>(d.env());
        env.put("NUBO_SERVICE", d.name());
        env.put("NUBO_REVISION", t.revision());
        env.put("NUBO_INSTANCE", t.instanceId());
        List<String> command = switch (d.runtime()) {
            case Descriptor.Process p -> p.command();
            case Descriptor.JavaFunction f -> {
                Path code = t.codeDir().resolve(f.code()).normalize();
                env.put("NUBO_HANDLER", f.handler());
                env.put("NUBO_CODE", code.toString());
                env.put("NUBO_TIMEOUT_MS", Long.toString(d.timeout().toMillis()));
                env.put("NUBO_ENV_KEYS", String.join(",", d.env().keySet()));
                yield javaCommand(d.memory());
            }
        };
        return new LaunchSpec(t.instanceId(), d.name(), t.revision(), command, env, t.codeDir(), t.logFile(),
                d.readiness().httpPath(), d.readiness().startTimeout(), d.memory(), t.proven());
    }

    /**
     * Checks what can be checked before any process starts, so that a deploy fails at once with a
     * precise message rather than later with a crash: today, that a Java function's code exists.
     */
    public void validate(Descriptor d, Path codeDir) {
        if (d.runtime() instanceof Descriptor.JavaFunction f) {
            Path code = codeDir.resolve(f.code()).normalize();
            if (!Files.exists(code)) {
                throw UserError.badRequest("upload.invalid",
                        "nubo.yaml: `code` points at " + f.code() + ", which is not in the deployed directory",
                        "build the function first (e.g. `mvn package`), or fix `code` to point at a jar or a classes directory");
            }
            if (Files.isRegularFile(code) && !f.code().endsWith(".jar")) {
                throw UserError.badRequest("upload.invalid",
                        "nubo.yaml: `code` must be a .jar file or a classes directory (got " + f.code() + ")",
                        "e.g. `code: target/app.jar` or `code: target/classes`");
            }
        }
    }

    /**
     * Flags for a small, quick JVM: the serial collector and C1 only (a function instance is small and
     * short-lived, so peak JIT throughput matters less than start-up and footprint), heap at 70 % of the
     * memory limit leaving room for metaspace, code cache and thread stacks, and the class-data archive.
     */
    List<String> javaCommand(long memory) {
        long heapMiB = Math.max(16, (memory >> 20) * 7 / 10);
        List<String> cmd = new ArrayList<>(List.of(java.toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss512k",
                "-Xmx" + heapMiB + "m", "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto",
                "-cp", javaHostClassPath, JAVA_HOST));
        return List.copyOf(cmd);
    }

    private static String locationOf(String className) {
        try {
            Class<?> type = Class.forName(className, false, Runtimes.class.getClassLoader());
            return Optional.ofNullable(type.getProtectionDomain().getCodeSource())
                    .map(cs -> {
                        try {
                            return Path.of(cs.getLocation().toURI()).toString();
                        } catch (URISyntaxException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .orElseThrow(() -> new IllegalStateException("no code source for " + className));
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new PlatformFault("platform.runtime", "cannot locate " + className
                    + " for the Java function host; is Nubo's lib directory complete?", e);
        }
    }
}
