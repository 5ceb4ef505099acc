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
 *
 * <pre>{@code
 * var spec = new LaunchSpec("hello-00001-x7k2p", "hello", "hello-00001",
 *         List.of("python3", "app.py"), Map.of("GREETING", "hi"), appDir, logDir.resolve("x7k2p.log"),
 *         Optional.of("/healthz"), Duration.ofSeconds(60), 256L << 20, false);
 * }</pre>
 *
 * @param instanceId unique among running instances; names the instance's cgroup, so letters, digits,
 *     {@code .}, {@code _} and {@code -} only
 * @param service the service this instance belongs to, for messages
 * @param revision the revision this instance runs, for messages
 * @param command program and arguments, run unmodified (no shell unless the command is one)
 * @param env added to a minimal inherited environment (PATH, HOME, LANG, JAVA_HOME, TMPDIR);
 *     {@code PORT} is always set by Nubo and overrides any value given here
 * @param workDir the working directory; it must exist
 * @param logFile this instance's log; rotated to {@code logFile + ".1"} when over
 *     {@link InstancesConfig#maxLogBytes()}
 * @param readinessPath an HTTP path whose GET answers 2xx or 3xx once the instance can serve;
 *     empty means ready as soon as the port accepts TCP connections
 * @param startTimeout an instance not ready within this is a failed start
 * @param memoryBytes the memory limit, enforced with a cgroup where the machine allows; 0 means none
 * @param proven true when the revision has served before, so a failed start is retried with backoff
 *     like a crash; false for a new deploy, where a first start that fails fails the instance at once
 * @param port 0 to let Nubo pick a free loopback port for {@code PORT}; otherwise a port the caller
 *     owns and will open once the instance can serve (the Lambda Runtime API bridge does this for a
 *     custom runtime, which listens on no port itself)
 * @param warmStart how a generic process of this kind is started ahead of time, when this runtime
 *     supports being handed its function later (see {@link WarmStart}); empty to always start
 *     {@code command} fresh
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
        boolean proven,
        int port,
        Optional<WarmStart> warmStart) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** It goes into an HTTP request line as is. */
    private static final Pattern READINESS_PATH = Pattern.compile("/[\\x21-\\x7e]*");

    /** A spec whose port Nubo picks and whose process always starts fresh. */
    public LaunchSpec(String instanceId, String service, String revision, List<String> command, Map<String, String> env,
            Path workDir, Path logFile, Optional<String> readinessPath, Duration startTimeout, long memoryBytes,
            boolean proven) {
        this(instanceId, service, revision, command, env, workDir, logFile, readinessPath, startTimeout, memoryBytes,
                proven, 0, Optional.empty());
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
    }
}
