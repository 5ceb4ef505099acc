package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows how each {@code runtime:} of {@code nubo.yaml} becomes a running process: the command, its
 * environment and its flags, and for function runtimes how a generic process of that kind is started
 * ahead of time ({@link WarmStart}), so that a cold start only hands it the function. The instances
 * module then runs that command, or takes a pooled process, without knowing what it is.
 *
 * <pre>{@code
 * Runtimes runtimes = Runtimes.detect(home.resolve("cache"), 2);
 * LaunchSpec spec = runtimes.launch(new Target(descriptor, codeDir, "hello-00001", "hello-00001-x7k2p", logFile, false));
 * }</pre>
 *
 * <p>Java functions run in {@code dev.nubo.javaruntime.JavaHost}; Node and Python functions in the
 * small shims shipped in this module's resources ({@code node/nubo-node.mjs},
 * {@code python/nubo_python.py}), copied once to the cache directory.
 */
public final class Runtimes {

    private static final Logger LOG = LoggerFactory.getLogger(Runtimes.class);

    static final String JAVA_HOST = "dev.nubo.javaruntime.JavaHost";
    static final String NODE_SHIM = "node/nubo-node.mjs";
    static final String PYTHON_SHIM = "python/nubo_python.py";
    /** The memory a function gets without {@code memory:} in nubo.yaml; its pools are filled at start. */

    private final Path java;
    private final String javaHostClassPath;
    private final Path cacheDir;
    private final int poolSize;
    private final Map<String, Path> shims = new ConcurrentHashMap<>();
    private volatile String python;
    /** Named once: the JVM and the host's jars do not change while the server runs. */
    private final Path javaArchive;
    /** Whether {@link #javaArchive} exists; checked once, then set by {@link #prepareJavaArchive}. */
    private volatile boolean javaArchiveReady;

    Runtimes(Path java, String javaHostClassPath, Path cacheDir, int poolSize) {
        this.java = java;
        this.javaHostClassPath = javaHostClassPath;
        this.cacheDir = cacheDir;
        this.poolSize = poolSize;
        this.javaArchive = archivePath();
        this.javaArchiveReady = Files.exists(javaArchive);
    }

    /**
     * Uses the JVM running Nubo for Java functions (it is 21 or newer, or Nubo would not run), and
     * finds the Java host and its few dependencies where this JVM loaded them from.
     *
     * @param cacheDir where the runtime shims and the Java host's class-data archive are kept; created if missing
     * @param poolSize idle processes to keep per runtime kind (0: every cold start starts a fresh process)
     */
    public static Runtimes detect(Path cacheDir, int poolSize) {
        if (poolSize < 0) {
            throw new IllegalArgumentException("pool size must be 0 or more; was " + poolSize);
        }
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java"));
        Set<String> entries = new LinkedHashSet<>();
        for (String type : List.of(JAVA_HOST, "dev.nubo.function.Handler", "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.annotation.JsonProperty",
                "com.amazonaws.services.lambda.runtime.RequestHandler")) {
            entries.add(locationOf(type));
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new PlatformFault("platform.runtime", "cannot create the runtime cache " + cacheDir + ": " + e.getMessage(), e);
        }
        return new Runtimes(java, String.join(File.pathSeparator, entries), cacheDir, poolSize);
    }

    /**
     * Everything about one instance to start.
     *
     * @param runtimeApi for {@code runtime: provided}: the Lambda Runtime API the instance polls
     */
    public record Target(Descriptor descriptor, Path codeDir, String revision, String instanceId, Path logFile,
            boolean proven, Optional<RuntimeApi> runtimeApi) {

        public Target(Descriptor descriptor, Path codeDir, String revision, String instanceId, Path logFile, boolean proven) {
            this(descriptor, codeDir, revision, instanceId, logFile, proven, Optional.empty());
        }
    }

    /**
     * Where a custom runtime finds the Lambda Runtime API ({@code AWS_LAMBDA_RUNTIME_API}), and the
     * port on which the bridge takes the gateway's requests for it, opened once the runtime polls.
     */
    public record RuntimeApi(String address, int invocationPort) {}

    public LaunchSpec launch(Target t) {
        Descriptor d = t.descriptor();
        Map<String, String> env = new LinkedHashMap<>(d.env());
        env.put("NUBO_SERVICE", d.name());
        env.put("NUBO_REVISION", t.revision());
        env.put("NUBO_INSTANCE", t.instanceId());
        Optional<WarmStart> warm = Optional.empty();
        int port = 0;
        if (!(d.runtime() instanceof Descriptor.Process)) {
            env.put("LAMBDA_TASK_ROOT", t.codeDir().toString());
        }
        List<String> command;
        switch (d.runtime()) {
            case Descriptor.Process p -> command = p.command();
            case Descriptor.JavaFunction f -> {
                functionEnv(env, d, f.handler());
                env.put("NUBO_CODE", t.codeDir().resolve(f.code()).normalize().toString());
                env.put("NUBO_ENV_KEYS", String.join(",", d.env().keySet()));
                command = javaCommand(d.memory());
                warm = warmStart("java", d.memory(), command);
            }
            case Descriptor.NodeFunction f -> {
                functionEnv(env, d, f.handler());
                command = nodeCommand(d.memory(), false);
                warm = warmStart("node", d.memory(), nodeCommand(d.memory(), true));
            }
            case Descriptor.PythonFunction f -> {
                functionEnv(env, d, f.handler());
                command = pythonCommand();
                warm = warmStart("python", d.memory(), command);
            }
            case Descriptor.Provided p -> {
                RuntimeApi api = t.runtimeApi().orElseThrow(() -> new IllegalArgumentException(
                        "a custom runtime (runtime: provided) needs the Lambda Runtime API bridge of its instance"));
                functionEnv(env, d, p.handler().orElse(""));
                env.put("AWS_LAMBDA_RUNTIME_API", api.address());
                env.put("LAMBDA_RUNTIME_DIR", t.codeDir().toString());
                command = p.command();
                port = api.invocationPort();
            }
        }
        return LaunchSpec.builder(t.instanceId()).service(d.name()).revision(t.revision())
                .command(command).env(env).workDir(t.codeDir()).logFile(t.logFile())
                .readinessPath(d.readiness().httpPath()).startTimeout(d.readiness().startTimeout()).memoryBytes(d.memory())
                .proven(t.proven()).port(port).warmStart(warm)
                .build();
    }

    /**
     * The generic processes worth starting before any request: Java at the default memory, plus the
     * kinds (runtime and memory) of the given descriptors, those of deployed functions.
     */
    public List<WarmStart> warmStarts(List<Descriptor> deployed) {
        Map<String, WarmStart> starts = new LinkedHashMap<>();
        warmStart("java", Descriptor.DEFAULT_MEMORY, javaCommand(Descriptor.DEFAULT_MEMORY)).ifPresent(w -> starts.put(w.key(), w));
        for (Descriptor d : deployed) {
            Optional<WarmStart> warm = switch (d.runtime()) {
                case Descriptor.JavaFunction f -> warmStart("java", d.memory(), javaCommand(d.memory()));
                case Descriptor.NodeFunction f -> warmStart("node", d.memory(), nodeCommand(d.memory(), true));
                case Descriptor.PythonFunction f -> warmStart("python", d.memory(), pythonCommand());
                case Descriptor.Process p -> Optional.empty();
                case Descriptor.Provided p -> Optional.empty();
            };
            warm.ifPresent(w -> starts.putIfAbsent(w.key(), w));
        }
        return List.copyOf(starts.values());
    }

    /**
     * Creates the class-data-sharing archive of the Java host if it is missing: one training run of
     * the host, which loads what serving a request loads, and dumps those classes at exit. Every
     * later host maps the archive instead of parsing and verifying those classes again, which cuts
     * its start-up time and, as the mapping is shared, the memory of each one. Blocks for about a
     * second the first time; a failure only costs speed, so it is logged, not thrown.
     */
    public void prepareJavaArchive() {
        Path archive = javaArchive;
        if (javaArchiveReady || Files.exists(archive)) {
            javaArchiveReady = true;
            return;
        }
        Path partial = cacheDir.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        List<String> command = new ArrayList<>(javaCommand(Descriptor.DEFAULT_MEMORY));
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
                javaArchiveReady = true;
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
     * Checks what can be checked before any process starts, so that a deploy fails at once with a
     * precise message rather than later with a crash: a Java function's code exists; the
     * interpreter a Node or Python function needs is installed.
     */
    public void validate(Descriptor d, Path codeDir) {
        switch (d.runtime()) {
            case Descriptor.JavaFunction f -> {
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
            case Descriptor.NodeFunction f -> requireProgram("node", "runtime: node", "install Node.js 18 or newer (apt-get install nodejs)");
            case Descriptor.PythonFunction f -> requireProgram("python3", "runtime: python", "install Python 3.9 or newer (apt-get install python3)");
            case Descriptor.Process p -> { }
            case Descriptor.Provided p -> { }
        }
    }

    /** Lambda's variables, for handlers and libraries that read them, and Nubo's own. */
    private static void functionEnv(Map<String, String> env, Descriptor d, String handler) {
        String memoryMb = Long.toString(d.memory() >> 20);
        env.put("NUBO_HANDLER", handler);
        env.put("NUBO_TIMEOUT_MS", Long.toString(d.timeout().toMillis()));
        env.put("NUBO_MEMORY_MB", memoryMb);
        env.put("AWS_LAMBDA_FUNCTION_NAME", d.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", env.get("NUBO_REVISION"));
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memoryMb);
        env.put("_HANDLER", handler);
    }

    private Optional<WarmStart> warmStart(String runtime, long memory, List<String> command) {
        if (poolSize == 0) {
            return Optional.empty();
        }
        return Optional.of(new WarmStart(runtime + "-" + (memory >> 20) + "Mi", command, Map.of(), cacheDir, memory, poolSize));
    }

    /**
     * Flags for a small, quick JVM: the serial collector and C1 only (a function instance is small and
     * short-lived, so peak JIT throughput matters less than start-up and footprint), heap at 70 % of the
     * memory limit leaving room for metaspace, code cache and thread stacks, starting at 8 MiB (5 MiB
     * less idle memory than the default start, for a few young collections during warm-up), and the
     * class-data archive (11 MiB less, and half the start-up time; bench/README.md).
     * The two {@code --add-opens} let a pooled host put the function's variables into its environment,
     * so that {@code System.getenv} sees them.
     */
    List<String> javaCommand(long memory) {
        long heapMiB = Math.max(16, (memory >> 20) * 7 / 10);
        List<String> cmd = new ArrayList<>(List.of(java.toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss512k",
                "-Xms8m", "-Xmx" + heapMiB + "m", "-XX:+ExitOnOutOfMemoryError",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        if (javaArchiveReady) {
            cmd.add("-XX:SharedArchiveFile=" + javaArchive);
        }
        cmd.addAll(List.of("-cp", javaHostClassPath, JAVA_HOST));
        return List.copyOf(cmd);
    }

    /**
     * Node with a heap from the memory limit (V8's default ignores it) and one V8 platform thread
     * (an instance is small). A pooled process also gets a 1 MiB young generation, which saves about
     * 1.5 MiB per idle process and costs 20-30 ms of start-up, spent before any request waits.
     */
    List<String> nodeCommand(long memory, boolean pooled) {
        long heapMiB = Math.max(16, (memory >> 20) * 7 / 10);
        List<String> command = new ArrayList<>(List.of("node", "--max-old-space-size=" + heapMiB, "--v8-pool-size=1"));
        if (pooled) {
            command.add("--max-semi-space-size=1");
        }
        command.add(shim(NODE_SHIM).toString());
        return List.copyOf(command);
    }

    List<String> pythonCommand() {
        return List.of(python(), "-u", shim(PYTHON_SHIM).toString());
    }

    /**
     * The interpreter {@code python3} runs, asked once: a version manager's {@code python3} is often a
     * shell script that picks the interpreter on every start, which costs a cold start about 0.2 s.
     */
    private String python() {
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

    /**
     * The archive depends on the exact JVM and on the host's class path, so its name carries both:
     * a new Nubo or a new JDK makes a new archive rather than one the JVM would refuse.
     */
    private Path archivePath() {
        String identity = java + "|" + Runtime.version() + "|" + javaHostClassPath + "|" + jarStamps();
        return cacheDir.resolve("java-host-" + Integer.toHexString(identity.hashCode()) + ".jsa");
    }

    private String jarStamps() {
        StringBuilder stamps = new StringBuilder();
        for (String entry : javaHostClassPath.split(File.pathSeparator)) {
            try {
                stamps.append(Files.getLastModifiedTime(Path.of(entry)).toMillis()).append(',');
            } catch (IOException e) {
                stamps.append("?,");
            }
        }
        return stamps.toString();
    }

    /** Copies a shim from the class path to the cache once per server (again if it changed), and returns its path. */
    private Path shim(String resource) {
        return shims.computeIfAbsent(resource, this::writeShim);
    }

    private Path writeShim(String resource) {
        Path target = cacheDir.resolve(resource);
        try (InputStream in = Runtimes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PlatformFault("platform.runtime", "the runtime shim " + resource + " is missing from Nubo's"
                        + " runtimes jar; is Nubo's lib directory complete?", null);
            }
            byte[] content = in.readAllBytes();
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), content)) {
                Files.createDirectories(target.getParent());
                Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
                Files.write(partial, content);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new PlatformFault("platform.runtime", "cannot write the runtime shim " + target + ": " + e.getMessage(), e);
        }
    }

    private static void requireProgram(String program, String runtime, String fix) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw UserError.badRequest("upload.invalid", "nubo.yaml: " + runtime + " needs `" + program
                + "`, which is not installed on the Nubo server", fix);
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
