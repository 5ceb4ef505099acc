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
        this.dir = dir;
        this.instances = Instances.create(config, InstantSource.system(), lines::add);
    }

    static InstancesConfig fast() {
        return new InstancesConfig(Duration.ofSeconds(2), 5, Duration.ofMinutes(5), Duration.ofMillis(50),
                Duration.ofMillis(400), 1 << 20, Duration.ofMillis(20));
    }

    Spec spec(String id, String... command) {
        return new Spec(id, List.of(command));
    }

    Instance launch(Spec spec, Transitions transitions) {
        return instances.launch(spec.build(dir), transitions);
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

    private record Stat(long pid, String state, long pgrp) {}

    private static Optional<Stat> stat(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(Long.parseLong(proc.getFileName().toString()), rest[0], Long.parseLong(rest[2])));
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

    /** A LaunchSpec with test defaults; only what a test cares about is set. */
    static final class Spec {
        private final String id;
        private final List<String> command;
        private Map<String, String> env = Map.of();
        private Optional<String> readiness = Optional.empty();
        private Duration startTimeout = Duration.ofSeconds(10);
        private long memory;
        private boolean proven;

        Spec(String id, List<String> command) {
            this.id = id;
            this.command = new ArrayList<>(command);
        }

        Spec env(Map<String, String> value) {
            env = value;
            return this;
        }

        Spec readiness(String path) {
            readiness = Optional.of(path);
            return this;
        }

        Spec startTimeout(Duration value) {
            startTimeout = value;
            return this;
        }

        Spec memory(long bytes) {
            memory = bytes;
            return this;
        }

        Spec proven() {
            proven = true;
            return this;
        }

        LaunchSpec build(Path dir) {
            return new LaunchSpec(id, "svc", "svc-00001", command, env, dir, dir.resolve("logs").resolve(id + ".log"),
                    readiness, startTimeout, memory, proven);
        }
    }
}
