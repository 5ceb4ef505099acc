package dev.nubo.runtimes;

import dev.nubo.instances.WarmStart;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runtime kinds share on this machine: the cache the shims are copied to, the Java host's
 * command, the Python interpreter, and the pool size every warm start gets. One per {@link Runtimes}.
 */
final class Toolchain {

    private static final Logger LOG = LoggerFactory.getLogger(Toolchain.class);

    private final Path cacheDir;
    private final int poolSize;
    private final JavaHostCommand javaHost;
    private final JvmAppCache jvmApps;
    private final Map<String, Path> shims = new ConcurrentHashMap<>();
    private volatile String python;

    Toolchain(Path cacheDir, int poolSize, JavaHostCommand javaHost) {
        this.cacheDir = cacheDir;
        this.poolSize = poolSize;
        this.javaHost = javaHost;
        this.jvmApps = new JvmAppCache(cacheDir.resolve("jvm-apps"));
    }

    JavaHostCommand javaHost() {
        return javaHost;
    }

    /** The start caches of unmodified JVM apps ({@code runtime: process} running {@code java}). */
    JvmAppCache jvmApps() {
        return jvmApps;
    }

    /** A warm start keyed by runtime and memory ({@code java-256Mi}); empty when pools are off. */
    Optional<WarmStart> warmStart(String runtime, long memory, List<String> command) {
        if (poolSize == 0) {
            return Optional.empty();
        }
        return Optional.of(new WarmStart(runtime + "-" + (memory >> 20) + "Mi", command, Map.of(), cacheDir, memory, poolSize));
    }

    /**
     * The interpreter {@code python3} runs, asked once: a version manager's {@code python3} is often a
     * shell script that picks the interpreter on every start, which costs a cold start about 0.2 s.
     */
    String python() {
        String found = python;
        if (found == null) {
            found = "python3";
            try {
                Process probe = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                        .redirectErrorStream(true).start();
                String out = new String(probe.getInputStream().readAllBytes()).strip();
                if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0 && Files.isExecutable(Path.of(out))) {
                    found = out;
                }
            } catch (IOException e) {
                LOG.debug("cannot ask python3 for its interpreter: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            python = found;
        }
        return found;
    }

    /** Copies a shim from the class path to the cache once per server (again if it changed), and returns its path. */
    /** Where layers given as archives are unpacked, each once ({@link Layers}). */
    Path layerCache() {
        return cacheDir.resolve("layers");
    }

    Path shim(String resource) {
        return shims.computeIfAbsent(resource, this::writeShim);
    }

    private Path writeShim(String resource) {
        Path target = cacheDir.resolve(resource);
        try (InputStream in = Toolchain.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PlatformFault("platform.runtime", "the runtime shim " + resource + " is missing from Nubo's"
                        + " runtimes jar; is Nubo's lib directory complete?", null);
            }
            byte[] content = in.readAllBytes();
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), content)) {
                Files.createDirectories(target.getParent());
                Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
                Files.write(partial, content);
                // Sandboxed instances run as users of their own and must read it (createTempFile makes it 0600).
                Files.setPosixFilePermissions(partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new PlatformFault("platform.runtime", "cannot write the runtime shim " + target + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a deploy whose runtime needs {@code program} when this machine has none on its PATH. */
    static void requireProgram(String program, String runtime, String fix) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw UserError.badRequest("upload.invalid", "nubo.yaml: " + runtime + " needs `" + program
                + "`, which is not installed on the Nubo server", fix);
    }
}
