package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real processes for tests: an {@link Instances} with fast timings over a temporary directory, a spec
 * builder, and a look into /proc.
 */
final class Harness implements AutoCloseable {

    /** A tiny HTTP server on $PORT serving the working directory. */
    static final String PY_SERVER = "import http.server, os; http.server.ThreadingHTTPServer(('127.0.0.1',"
            + " int(os.environ['PORT'])), http.server.SimpleHTTPRequestHandler).serve_forever()";

    final Path dir;
    final Instances instances;
    final List<LogLine> lines = new CopyOnWriteArrayList<>();

    Harness(Path dir) {
        this(dir, fast());
    }

    Harness(Path dir, InstancesConfig config) {
        this(dir, config, CGROUP_ROOT);
    }

    /** With the cgroup hierarchies under {@code cgroupRoot}: see {@link #cgroupRoot}. */
    Harness(Path dir, InstancesConfig config, Path cgroupRoot) {
        this.dir = dir;
        this.instances = Instances.create(config, InstantSource.system(), lines::add, cgroupRoot);
    }

    static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /**
     * For tests run once per way of holding processes: what this machine offers, then each kind of
     * hierarchy shown alone (cgroup v2; v1 with the freezer, with pids, with memory only).
     */
    static Stream<String> cgroupKinds() {
        return Stream.of("all of this machine's", "unified", "freezer memory", "pids", "memory");
    }

    /** The cgroup root for one of {@link #cgroupKinds()}; skips the test where the machine lacks it. */
    static Path assumeCgroupRoot(Path dir, String kind) throws IOException {
        Assumptions.assumeTrue(cgroupsWritable(), NO_CGROUPS);
        if (kind.startsWith("all")) {
            return CGROUP_ROOT;
        }
        Optional<Path> root = cgroupRoot(dir, kind.split(" "));
        Assumptions.assumeTrue(root.isPresent(), "this machine does not mount " + kind);
        return root.get();
    }

    /** Removes what {@link #cgroupRoot} made, so that the temporary directory's cleanup never meets a link into /sys. */
    static void removeCgroupRoot(Path dir) throws IOException {
        Path root = dir.resolve("cgroup-root");
        if (Files.isDirectory(root)) {
            try (Stream<Path> links = Files.list(root)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
            Files.delete(root);
        }
    }

    /**
     * A directory that shows Nubo only these hierarchies of this machine, as symbolic links to them,
     * e.g. "freezer" and "memory" for a machine with cgroup v1 only; empty when one is not mounted.
     */
    static Optional<Path> cgroupRoot(Path dir, String... hierarchies) throws IOException {
        Path root = Files.createDirectories(dir.resolve("cgroup-root"));
        for (String hierarchy : hierarchies) {
            Path real = CGROUP_ROOT.resolve(hierarchy);
            if (!Files.isRegularFile(real.resolve("cgroup.procs"))) {
                return Optional.empty();
            }
            Files.createSymbolicLink(root.resolve(hierarchy), real);
        }
        return Optional.of(root);
    }

    static InstancesConfig fast() {
        return new InstancesConfig(Duration.ofSeconds(2), 5, Duration.ofMinutes(5), Duration.ofMillis(50),
                Duration.ofMillis(400), 1 << 20, Duration.ofMillis(20));
    }

    /** A launch with test defaults (a 10 s start timeout, service svc); a test sets only what it cares about. */
    LaunchSpec.Builder spec(String id, String... command) {
        return spec(dir, id, List.of(command));
    }

    static LaunchSpec.Builder spec(Path dir, String id, List<String> command) {
        return LaunchSpec.builder(id).service("svc").revision("svc-00001").command(command).workDir(dir)
                .logFile(dir.resolve("logs").resolve(id + ".log")).startTimeout(Duration.ofSeconds(10));
    }

    Instance launch(LaunchSpec.Builder spec, Transitions transitions) {
        return instances.launch(spec.build(), transitions);
    }

    @Override
    public void close() {
        instances.close();
    }

    static void awaitState(Instance instance, InstanceState state, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(instance.state())
                .as(() -> "state of " + instance + "; log:\n" + String.join("\n", instance.logTail(30)))
                .isEqualTo(state));
    }

    /** Living (not zombie) processes whose process group is {@code pgid}. */
    static Set<Long> groupMembers(long pgid) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .flatMap(p -> stat(p).stream())
                    .filter(s -> s.pgrp == pgid && !s.state.equals("Z"))
                    .map(s -> s.pid)
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static final String NO_CGROUPS = "needs a writable cgroup hierarchy (cgroup v2, or v1 freezer, pids or memory);"
            + " run the tests as root to cover it";

    /** Whether this machine lets Nubo create cgroups, without creating one. */
    static boolean cgroupsWritable() {
        return Stream.of("", "unified", "freezer", "pids", "memory")
                .map(h -> Path.of("/sys/fs/cgroup", h))
                .anyMatch(h -> Files.isRegularFile(h.resolve("cgroup.procs")) && Files.isWritable(h));
    }

    /** Whether this machine lets Nubo limit memory with a cgroup. */
    static boolean memoryLimitsWritable() {
        try {
            Path v2 = CGROUP_ROOT.resolve("cgroup.controllers");
            return Files.isWritable(CGROUP_ROOT.resolve("memory")) && Files.exists(CGROUP_ROOT.resolve("memory/memory.limit_in_bytes"))
                    || Files.isWritable(CGROUP_ROOT) && Files.exists(v2) && Files.readString(v2).contains("memory");
        } catch (IOException e) {
            return false;
        }
    }

    /** Every cgroup directory of {@code scope}, in every hierarchy: runs and the groups in them. */
    static List<Path> scopeCgroups(String scope) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> mounts = Stream.concat(Stream.of(CGROUP_ROOT), Files.list(CGROUP_ROOT))) {
            for (Path dir : mounts.map(m -> m.resolve("nubo").resolve(scope)).filter(Files::isDirectory).toList()) {
                try (Stream<Path> tree = Files.walk(dir)) {
                    tree.filter(Files::isDirectory).forEach(found::add);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return found;
    }

    /** Whether {@code pid} is a living process (not a zombie). */
    static boolean alive(long pid) {
        return stat(Path.of("/proc", Long.toString(pid))).filter(s -> !s.state.equals("Z")).isPresent();
    }

    /** The session of a living process. */
    static long session(long pid) {
        return stat(Path.of("/proc", Long.toString(pid))).orElseThrow().session;
    }

    /** The pid a test's command wrote to {@code file}, once it has. */
    static long awaitPid(Path file) {
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readString(file).endsWith("\n"));
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The cgroup directories of a process that belong to a Nubo, e.g.
     * {@code /sys/fs/cgroup/memory/nubo/SCOPE/RUN/ID}, from /proc/PID/cgroup.
     */
    static List<Path> nuboCgroups(long pid) {
        try {
            List<Path> dirs = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] parts = line.split(":", 3); // id:controllers:path
                if (!parts[2].startsWith("/nubo/")) {
                    continue;
                }
                Path mount = parts[1].isEmpty()
                        ? (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup/unified"))
                        : Path.of("/sys/fs/cgroup", parts[1].replace("name=", ""));
                dirs.add(mount.resolve(parts[2].substring(1)));
            }
            return dirs;
        } catch (IOException e) {
            throw new AssertionError("cannot read the cgroups of " + pid + ": " + e);
        }
    }

    private record Stat(long pid, String state, long pgrp, long session) {}

    private static Optional<Stat> stat(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(Long.parseLong(proc.getFileName().toString()), rest[0], Long.parseLong(rest[2]),
                    Long.parseLong(rest[3])));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .map(Thread::getName)
                .toList();
    }

    /** Records every listener call as "FROM -> TO: reason". */
    static final class Transitions implements InstanceListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        private volatile Instance instance;
        private volatile InstanceState last;

        @Override
        public void changed(Instance instance, InstanceState from, InstanceState to, String reason) {
            this.instance = instance;
            seen.add(from + " -> " + to + ": " + reason);
            last = to;
        }

        /** Waits until the listener (which runs after the state changes) has been told about {@code state}. */
        void awaitTo(InstanceState state, Duration within) {
            await().atMost(within).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(last)
                    .as(() -> "last transition told; seen " + seen + (instance == null ? ""
                            : "; log:\n" + String.join("\n", instance.logTail(30))))
                    .isEqualTo(state));
        }

        List<String> states() {
            return seen.stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
        }
    }
}
