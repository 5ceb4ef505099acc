package dev.nubo.instances;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to start: one instance of one revision, as an OS process that serves HTTP on {@code $PORT}.
 * Made with {@link #builder}, which names every value; what a builder is not told takes the default
 * given below.
 *
 * <pre>{@code
 * LaunchSpec spec = LaunchSpec.builder("hello-00001-x7k2p").service("hello").revision("hello-00001")
 *         .command(List.of("python3", "app.py")).env(Map.of("GREETING", "hi"))
 *         .workDir(appDir).logFile(logDir.resolve("x7k2p.log"))
 *         .readinessPath("/healthz").memoryBytes(256L << 20)
 *         .build();
 * }</pre>
 *
 * @param instanceId unique among running instances; names the instance's cgroup, so letters, digits,
 *     {@code .}, {@code _} and {@code -} only
 * @param service the service this instance belongs to, for messages
 * @param revision the revision this instance runs, for messages
 * @param command program and arguments, run unmodified (no shell unless the command is one)
 * @param env added to a minimal inherited environment (PATH, HOME, LANG, JAVA_HOME, TMPDIR);
 *     {@code PORT} is always set by Nubo and overrides any value given here; none by default
 * @param workDir the working directory; it must exist
 * @param logFile this instance's log; rotated to {@code logFile + ".1"} when over
 *     {@link InstancesConfig#maxLogBytes()}
 * @param readinessPath an HTTP path whose GET answers 2xx or 3xx once the instance can serve;
 *     empty (the default) means ready as soon as the port accepts TCP connections
 * @param startTimeout an instance not ready within this is a failed start; {@link #DEFAULT_START_TIMEOUT} by default
 * @param memoryBytes the memory limit, enforced with a cgroup where the machine allows; 0 (the default) means none
 * @param cpuMillis the CPU limit in thousandths of a core (500: half a core), enforced with a cgroup where the
 *     machine allows; 0 (the default) means none
 * @param processes the most processes and threads the instance may hold at once, enforced with a cgroup (pids)
 *     where the machine allows, else with {@code RLIMIT_NPROC} of the instance's own user in the sandbox;
 *     0 (the default) means none
 * @param proven true when the revision has served before, so a failed start is retried with backoff
 *     like a crash; false (the default) for a new deploy, where a first start that fails fails the
 *     instance at once
 * @param port 0 (the default) to let Nubo pick a free loopback port for {@code PORT}; otherwise a port the caller
 *     owns and will open once the instance can serve (the Lambda Runtime API bridge does this for a
 *     custom runtime, which listens on no port itself)
 * @param writable directories the instance may write in when sandboxed, besides its private /tmp (its code is
 *     read-only there): each is handed to the instance's user and bound writable at its own path; none by default
 * @param warmStart how a generic process of this kind is started ahead of time, when this runtime
 *     supports being handed its function later (see {@link WarmStart}); empty (the default) to always
 *     start {@code command} fresh
 * @param secretFiles files to give the instance, by path under {@code /run/secrets/}, with their contents: written
 *     0400 for the instance's user into a directory of its own (in memory where the machine has {@code /dev/shm}),
 *     mounted read-only at {@code /run/secrets} in the sandbox, named by {@code NUBO_SECRETS_DIR}, removed when it
 *     exits; none by default. Never given to a pooled process (its sandbox is made before it is taken).
 */
public record LaunchSpec(
        String instanceId,
        String service,
        String revision,
        List<String> command,
        Map<String, String> env,
        Path workDir,
        Path logFile,
        Optional<String> readinessPath,
        Duration startTimeout,
        long memoryBytes,
        int cpuMillis,
        int processes,
        boolean proven,
        int port,
        List<Path> writable,
        Optional<WarmStart> warmStart,
        Map<String, String> secretFiles) {

    /** How long an instance has to become ready when the builder is not told: a descriptor's default too. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** It goes into an HTTP request line as is. */
    private static final Pattern READINESS_PATH = Pattern.compile("/[\\x21-\\x7e]*");

    /** A spec for instance {@code instanceId}; {@code build()} checks every value, as the constructor does. */
    public static Builder builder(String instanceId) {
        return new Builder(instanceId);
    }

    public LaunchSpec {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(warmStart, "warmStart");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of instance " + instanceId + " must be 1-65535, or 0 to let"
                    + " Nubo pick one; was " + port);
        }
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(readinessPath, "readinessPath");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (!ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instance id '" + instanceId + "' is not usable as a cgroup"
                    + " name; use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        command = List.copyOf(command);
        writable = List.copyOf(writable);
        secretFiles = Map.copyOf(secretFiles);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("instance " + instanceId + " has an empty command;"
                    + " give the program and its arguments, e.g. [python3, app.py]");
        }
        env = Map.copyOf(env);
        if (readinessPath.isPresent() && !READINESS_PATH.matcher(readinessPath.get()).matches()) {
            throw new IllegalArgumentException("readiness path '" + readinessPath.get() + "' of instance "
                    + instanceId + " must start with '/' and hold no spaces or control characters, e.g. /healthz");
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("start timeout of instance " + instanceId
                    + " must be positive, e.g. 60s; was " + startTimeout);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memory limit of instance " + instanceId
                    + " must be a byte count, or 0 for none; was " + memoryBytes);
        }
        if (cpuMillis < 0 || processes < 0) {
            throw new IllegalArgumentException("cpu and process limits of instance " + instanceId
                    + " must be 0 (none) or more; were " + cpuMillis + "m and " + processes);
        }
    }

    /**
     * Names each value of a {@link LaunchSpec}. {@code service}, {@code revision}, {@code command},
     * {@code workDir} and {@code logFile} have no default; {@link #build()} says which is missing.
     */
    public static final class Builder {
        private final String instanceId;
        private String service;
        private String revision;
        private List<String> command;
        private Map<String, String> env = Map.of();
        private Path workDir;
        private Path logFile;
        private Optional<String> readinessPath = Optional.empty();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private long memoryBytes;
        private int cpuMillis;
        private int processes;
        private boolean proven;
        private int port;
        private List<Path> writable = List.of();
        private Optional<WarmStart> warmStart = Optional.empty();
        private Map<String, String> secretFiles = Map.of();

        private Builder(String instanceId) {
            this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        }

        public Builder service(String name) {
            this.service = name;
            return this;
        }

        public Builder revision(String id) {
            this.revision = id;
            return this;
        }

        public Builder command(List<String> programAndArguments) {
            this.command = programAndArguments;
            return this;
        }

        public Builder env(Map<String, String> variables) {
            this.env = variables;
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        public Builder readinessPath(String path) {
            return readinessPath(Optional.of(path));
        }

        public Builder readinessPath(Optional<String> path) {
            this.readinessPath = path;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return this;
        }

        public Builder cpuMillis(int millicores) {
            this.cpuMillis = millicores;
            return this;
        }

        public Builder processes(int most) {
            this.processes = most;
            return this;
        }

        public Builder proven(boolean servedBefore) {
            this.proven = servedBefore;
            return this;
        }

        public Builder port(int ownedPort) {
            this.port = ownedPort;
            return this;
        }

        public Builder writable(List<Path> dirs) {
            this.writable = dirs;
            return this;
        }

        public Builder warmStart(Optional<WarmStart> warm) {
            this.warmStart = warm;
            return this;
        }

        public Builder secretFiles(Map<String, String> files) {
            this.secretFiles = files;
            return this;
        }

        /** @throws IllegalArgumentException naming the value that is missing or wrong, and how to fix it */
        public LaunchSpec build() {
            required(service, "service", ".service(\"hello\")");
            required(revision, "revision", ".revision(\"hello-00001\")");
            required(command, "command", ".command(List.of(\"python3\", \"app.py\"))");
            required(workDir, "workDir", ".workDir(codeDir)");
            required(logFile, "logFile", ".logFile(logDir.resolve(\"" + instanceId + ".log\"))");
            return new LaunchSpec(instanceId, service, revision, command, env, workDir, logFile, readinessPath, startTimeout,
                    memoryBytes, cpuMillis, processes, proven, port, writable, warmStart, secretFiles);
        }

        private void required(Object value, String name, String example) {
            if (value == null) {
                throw new IllegalArgumentException("the launch of instance " + instanceId + " has no " + name
                        + "; set it, e.g. " + example);
            }
        }
    }
}
