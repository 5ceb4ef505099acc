package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.instances.WarmStart;
import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Knows how each {@code runtime:} of {@code nubo.yaml} becomes a running process: the command, its
 * environment and its flags, and for function runtimes how a generic process of that kind is started
 * ahead of time ({@link WarmStart}), so that a cold start only hands it the function. The instances
 * module then runs that command, or takes a pooled process, without knowing what it is. Each kind's
 * part is its {@link RuntimeKind}; this class does what is common to all.
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

    static final String JAVA_HOST = "dev.nubo.javaruntime.JavaHost";

    private final Toolchain tools;
    private final PlatformEnv platformEnv;
    private final SecretValues secrets;

    private Runtimes(Toolchain tools, PlatformEnv platformEnv, SecretValues secrets) {
        this.tools = tools;
        this.platformEnv = platformEnv;
        this.secrets = secrets;
    }

    /**
     * Variables Nubo gives every instance it launches (where its configuration server is, say), beneath
     * the service's own {@code env:}, which wins: an app that sets one itself keeps its value.
     */
    @FunctionalInterface
    public interface PlatformEnv {
        Map<String, String> of(String service, String instanceId);
    }

    /** These runtimes, giving every instance {@code env}'s variables too. */
    public Runtimes withPlatformEnv(PlatformEnv env) {
        return new Runtimes(tools, env, secrets);
    }

    /** These runtimes, with instances' secret variables taken from {@code secrets} at each launch. */
    public Runtimes withSecrets(SecretValues secrets) {
        return new Runtimes(tools, platformEnv, secrets);
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
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new PlatformFault("platform.runtime", "cannot create the runtime cache " + cacheDir + ": " + e.getMessage(), e);
        }
        return new Runtimes(new Toolchain(cacheDir, poolSize, JavaHostCommand.detect(cacheDir)), (service, instance) -> Map.of(),
                SecretValues.NONE);
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
        // The secrets' values join the environment here and only here: the descriptor that is stored
        // and shown keeps the references. (Pooled processes get the environment when specialised.)
        Descriptor d = t.descriptor().withEnv(secrets.values(t.descriptor()));
        Map<String, String> files = secrets.files(t.descriptor());
        t = new Target(d, t.codeDir(), t.revision(), t.instanceId(), t.logFile(), t.proven(), t.runtimeApi());
        Map<String, String> env = new LinkedHashMap<>(platformEnv.of(d.name(), t.instanceId()));
        env.putAll(d.env());
        env.put("NUBO_SERVICE", d.name());
        env.put("NUBO_REVISION", t.revision());
        env.put("NUBO_INSTANCE", t.instanceId());
        LaunchSpec.Builder spec = LaunchSpec.builder(t.instanceId()).service(d.name()).revision(t.revision())
                .workDir(t.codeDir()).logFile(t.logFile())
                .readinessPath(d.readiness().httpPath()).startTimeout(d.readiness().startTimeout()).memoryBytes(d.memory())
                .cpuMillis(d.cpu()).processes(d.processes())
                .proven(t.proven());
        kind(d).launch(t, env, spec);
        if (!files.isEmpty()) {
            // A pooled process's sandbox is made before its function is known, without the files' mount.
            spec.secretFiles(files).warmStart(Optional.empty());
        }
        return spec.env(env).build();
    }

    /**
     * As {@link #launch}, for {@code nubo debug}: a fresh process that listens for a debugger on
     * {@code debugPort} (loopback), with the function runtime's timeout suspended.
     *
     * @throws dev.nubo.model.UserError when the service's program cannot be debugged this way
     */
    public Debugger.Debugging debug(Target t, int debugPort) {
        return Debugger.apply(launch(t), debugPort);
    }

    /**
     * The generic processes worth starting before any request: Java at the default memory, plus the
     * kinds (runtime and memory) of the given descriptors, those of deployed functions.
     */
    public List<WarmStart> warmStarts(List<Descriptor> deployed) {
        Map<String, WarmStart> starts = new LinkedHashMap<>();
        JavaKind.pooled(tools, Descriptor.DEFAULT_MEMORY).ifPresent(w -> starts.put(w.key(), w));
        for (Descriptor d : deployed) {
            kind(d).warmStart(d).ifPresent(w -> starts.putIfAbsent(w.key(), w));
        }
        return List.copyOf(starts.values());
    }

    /** The pool a launch of {@code d} would take a prewarmed process from, when its runtime has one. */
    public Optional<String> warmKey(Descriptor d) {
        return kind(d).warmStart(d).map(WarmStart::key);
    }

    /**
     * Creates the class-data-sharing archive of the Java host if it is missing: one training run of
     * the host, which loads what serving a request loads, and dumps those classes at exit. Every
     * later host maps the archive instead of parsing and verifying those classes again, which cuts
     * its start-up time and, as the mapping is shared, the memory of each one. Blocks for about a
     * second the first time; a failure only costs speed, so it is logged, not thrown.
     */
    public void prepareJavaArchive() {
        tools.javaHost().prepareArchive();
    }

    /**
     * Checks what can be checked before any process starts, so that a deploy fails at once with a
     * precise message rather than later with a crash: a Java function's code exists; the
     * interpreter a Node or Python function needs is installed.
     */
    public void validate(Descriptor d, Path codeDir) {
        kind(d).validate(codeDir);
        secrets.values(d); // a missing secret is the deploy's 400, not a crash of its first instance
        secrets.files(d);
    }

    /**
     * An instance's process is gone (it stopped, crashed or failed): what its runtime keeps of it for
     * the next start. Today, the start cache a JVM app's first instance recorded.
     *
     * @param served whether the process had become ready
     */
    public void exited(String instanceId, boolean served) {
        tools.jvmApps().exited(instanceId, served);
    }

    /**
     * For {@code nubo describe}: whether the revision's starts use a start cache, which, and if not
     * why (a JDK without support, a recording that failed). Empty unless its command runs {@code java}.
     */
    public Optional<String> startCache(Descriptor d, Path codeDir) {
        return kind(d) instanceof ProcessKind p ? p.startCache(codeDir) : Optional.empty();
    }

    /** The one place that maps a runtime of nubo.yaml to how it is launched. */
    private RuntimeKind kind(Descriptor d) {
        return switch (d.runtime()) {
            case Descriptor.Process p -> new ProcessKind(p, d.env(), tools);
            case Descriptor.JavaFunction f -> new JavaKind(f, tools);
            case Descriptor.NodeFunction f -> new NodeKind(f, tools);
            case Descriptor.PythonFunction f -> new PythonKind(f, tools);
            case Descriptor.Provided p -> new ProvidedKind(p);
            case Descriptor.Static s -> new StaticKind(s);
        };
    }
}
