package dev.nubo.runtimes;

import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line of {@code dev.nubo.javaruntime.JavaHost}, the process a Java function runs in,
 * and the class-data-sharing archive that makes it start fast. The host runs on the JVM running Nubo
 * (21 or newer, or Nubo would not run), with the jars this JVM loaded the host and its few
 * dependencies from.
 */
final class JavaHostCommand {

    private static final Logger LOG = LoggerFactory.getLogger(JavaHostCommand.class);
    /** How often an idle host gives freed native memory back; a trim with nothing to give costs microseconds. */
    static final int TRIM_MILLIS = 2000;

    private final Path java;
    private final String classPath;
    private final Path cacheDir;
    /** Named once: the JVM and the host's jars do not change while the server runs. */
    private final Path archive;
    /** Whether {@link #archive} exists; checked once, then set by {@link #prepareArchive}. */
    private volatile boolean archiveReady;

    private JavaHostCommand(Path java, String classPath, Path cacheDir) {
        this.java = java;
        this.classPath = classPath;
        this.cacheDir = cacheDir;
        this.archive = archivePath();
        this.archiveReady = Files.exists(archive);
    }

    /** Finds this JVM and the host's jars; the archive is kept in {@code cacheDir}. */
    static JavaHostCommand detect(Path cacheDir) {
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java"));
        Set<String> entries = new LinkedHashSet<>();
        for (String type : List.of(Runtimes.JAVA_HOST, "dev.nubo.function.Handler", "dev.nubo.lambdahttp.HttpApiEvent",
                "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core.JsonFactory",
                "com.fasterxml.jackson.annotation.JsonProperty", "com.amazonaws.services.lambda.runtime.RequestHandler",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer")) {
            entries.add(locationOf(type));
        }
        return new JavaHostCommand(java, String.join(File.pathSeparator, entries), cacheDir);
    }

    /**
     * Flags for a small, quick JVM: the serial collector and C1 only (a function instance is small and
     * short-lived, so peak JIT throughput matters less than start-up and footprint), heap at 70 % of the
     * memory limit leaving room for metaspace, code cache and thread stacks, starting at 8 MiB (5 MiB
     * less idle memory than the default start, for a few young collections during warm-up), and the
     * class-data archive (11 MiB less, and half the start-up time; bench/README.md).
     * The two {@code --add-opens} let a pooled host put the function's variables into its environment,
     * so that {@code System.getenv} sees them.
     *
     * <p>Two more for the memory of an idle host (measured in bench/README.md, "Idle memory"):
     * <ul>
     *   <li>the archives are mapped where they were dumped ({@code ArchiveRelocationMode=0}, the default
     *       before JDK 20) instead of at a random address, which rewrites every pointer in them: about
     *       10 MiB of their pages then stay clean and shared by every host, instead of private to each;
     *   <li>the C library's heap is trimmed every {@link #TRIM_MILLIS} ms: the compiler's arenas freed
     *       after warm-up (the JVM returns them to malloc after 5 s) go back to the system, about 6 MiB.
     * </ul>
     */
    List<String> command(long memory) {
        long heapMiB = Math.max(16, (memory >> 20) * 7 / 10);
        List<String> cmd = new ArrayList<>(List.of(java.toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss512k",
                "-Xms8m", "-Xmx" + heapMiB + "m", "-XX:+ExitOnOutOfMemoryError",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        if (trimsNativeHeap(Runtime.version())) {
            cmd.add("-XX:TrimNativeHeapInterval=" + TRIM_MILLIS);
        }
        if (archiveReady) {
            cmd.add("-XX:SharedArchiveFile=" + archive);
        }
        cmd.addAll(List.of("-cp", classPath, Runtimes.JAVA_HOST));
        return List.copyOf(cmd);
    }

    /** Whether this JVM has {@code -XX:TrimNativeHeapInterval}: from 21.0.1 (a JVM refuses a flag it does not know). */
    static boolean trimsNativeHeap(Runtime.Version version) {
        return version.feature() > 21 || version.feature() == 21 && version.compareToIgnoreOptional(Runtime.Version.parse("21.0.1")) >= 0;
    }

    /** See {@link Runtimes#prepareJavaArchive()}. */
    void prepareArchive() {
        if (archiveReady || Files.exists(archive)) {
            archiveReady = true;
            return;
        }
        Path partial = cacheDir.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        List<String> command = new ArrayList<>(command(Descriptor.DEFAULT_MEMORY));
        command.removeIf(flag -> flag.startsWith("-XX:SharedArchiveFile=") || flag.startsWith("-Xshare:"));
        command.add(1, "-XX:ArchiveClassesAtExit=" + partial);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(cacheDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(cacheDir.resolve("java-archive.log").toFile());
            builder.environment().put("NUBO_TRAIN", "1");
            Process training = builder.start();
            if (!training.waitFor(60, TimeUnit.SECONDS)) {
                training.destroyForcibly();
                LOG.warn("the Java host's training run for its class-data archive took over 60 s; Java functions start without it");
            } else if (training.exitValue() != 0 || !Files.exists(partial)) {
                LOG.warn("the Java host's training run exited with {} and made no class-data archive (see {});"
                        + " Java functions start without it", training.exitValue(), cacheDir.resolve("java-archive.log"));
            } else {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                archiveReady = true;
                LOG.info("created the Java host's class-data archive {}", archive);
            }
        } catch (IOException e) {
            LOG.warn("cannot create the Java host's class-data archive: {}; Java functions start without it", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a leftover temporary file in the cache is harmless
            }
        }
    }

    /**
     * The archive depends on the exact JVM and on the host's class path, so its name carries both:
     * a new Nubo or a new JDK makes a new archive rather than one the JVM would refuse.
     */
    private Path archivePath() {
        String identity = java + "|" + Runtime.version() + "|" + classPath + "|" + jarStamps();
        return cacheDir.resolve("java-host-" + Integer.toHexString(identity.hashCode()) + ".jsa");
    }

    private String jarStamps() {
        StringBuilder stamps = new StringBuilder();
        for (String entry : classPath.split(File.pathSeparator)) {
            try {
                stamps.append(Files.getLastModifiedTime(Path.of(entry)).toMillis()).append(',');
            } catch (IOException e) {
                stamps.append("?,");
            }
        }
        return stamps.toString();
    }

    private static String locationOf(String className) {
        try {
            Class<?> type = Class.forName(className, false, JavaHostCommand.class.getClassLoader());
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
