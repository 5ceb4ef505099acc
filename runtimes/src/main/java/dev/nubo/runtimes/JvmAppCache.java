package dev.nubo.runtimes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes unmodified JVM apps ({@code runtime: process} whose program is {@code java}) start faster:
 * the first start of a revision records which classes the app loads and links, and every later
 * start (scale-out, wake from zero, restart) maps them from a file instead of loading them again.
 * Nothing in the app or its command changes; the flags go in {@code JDK_JAVA_OPTIONS}, which the
 * {@code java} launcher reads (and mentions on stderr).
 *
 * <table>
 *   <caption>What the app's JDK gets</caption>
 *   <tr><th>JDK</th><th>first start records</th><th>later starts use</th></tr>
 *   <tr><td>24 and newer</td><td>{@code -XX:AOTMode=record -XX:AOTConfiguration=…}; once it has
 *       stopped, Nubo makes the cache in the background ({@code -XX:AOTMode=create})</td>
 *       <td>the AOT cache, {@code -XX:AOTCache=…} (JEP 483, 514, 515)</td></tr>
 *   <tr><td>13 to 23</td><td>{@code -XX:ArchiveClassesAtExit=…}</td>
 *       <td>the AppCDS archive, {@code -XX:SharedArchiveFile=…}</td></tr>
 *   <tr><td>older, or no {@code release} file</td><td colspan="2">nothing: it runs as before</td></tr>
 * </table>
 *
 * <p>The JVM writes what it recorded when it exits normally (SIGTERM included, as when an instance
 * scales to zero or is replaced), so the recording instance must have been ready and then stop; one
 * killed, or stopped before it was ready, leaves nothing, and the next start records instead. After
 * {@link #ATTEMPTS} such failures the revision runs without. A cache is made for one revision's code,
 * one command and one JDK (the JVM refuses one made by another JDK), under
 * {@code cache/jvm-apps/<key>/}. A Spring Boot executable jar ({@code java -jar app.jar}) is run in
 * its extracted form ({@link SpringBootJar}), which is what lets its classes be cached at all.
 *
 * <p>Thread-safe: launches come from the reconciler, exits from instance listeners, and the cache is
 * made on a thread of its own.
 */
final class JvmAppCache {

    private static final Logger LOG = LoggerFactory.getLogger(JvmAppCache.class);
    /** Recordings that leave nothing usable before the revision runs without a cache. */
    static final int ATTEMPTS = 2;
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(3);
    private static final String OPTIONS = "JDK_JAVA_OPTIONS";

    /** How the app's JDK records and uses what it loaded. */
    enum Kind {
        AOT("AOT cache", "app.aot", ".aotconf"),
        CDS("AppCDS archive", "app.jsa", ".jsa"),
        NONE("none", "", "");

        final String title;
        final String file;
        final String recording;

        Kind(String title, String file, String recording) {
            this.title = title;
            this.file = file;
            this.recording = recording;
        }

        static Kind of(JavaLauncher java) {
            return java.feature() >= 24 ? AOT : java.feature() >= 13 ? CDS : NONE;
        }
    }

    /** One recording under way: what it needs to make the cache once its instance stops. */
    private record Recording(String instanceId, Path file, List<String> command, Map<String, String> env, Path workDir) {}

    /** The cache of one revision's command on one JDK. */
    private static final class Entry {
        final Path dir;
        final JavaLauncher java;
        final Kind kind;
        Recording recording; // guarded by this
        boolean creating;    // guarded by this

        Entry(Path dir, JavaLauncher java) {
            this.dir = dir;
            this.java = java;
            this.kind = Kind.of(java);
        }

        Path cache() {
            return dir.resolve(kind.file);
        }

        Path failures() {
            return dir.resolve("failures");
        }
    }

    private final Path root;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Entry> recordings = new ConcurrentHashMap<>();
    private final ExecutorService maker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("nubo-jvm-app-cache").daemon().factory());

    JvmAppCache(Path root) {
        this.root = root;
    }

    /**
     * Prepares a deploy of {@code command} in {@code codeDir}: extracts a Spring Boot executable jar
     * once, so that even the first start runs the form whose classes can be cached. Never fails the
     * deploy: an app that cannot be prepared runs as written.
     */
    void prepare(List<String> command, Path codeDir, Map<String, String> env) {
        entry(command, codeDir, env).filter(e -> e.kind != Kind.NONE)
                .ifPresent(e -> SpringBootJar.in(command, codeDir).ifPresent(jar -> jar.extract(e.java, codeDir, e.dir)));
    }

    /**
     * The command to start, and in {@code env} the flags that record or use the cache: the first
     * start records, later ones use what it left; while a recording or the making of a cache is under
     * way, other starts run as before.
     */
    List<String> launch(String instanceId, List<String> command, Path codeDir, Map<String, String> env) {
        Optional<Entry> found = entry(command, codeDir, env);
        if (found.isEmpty() || found.get().kind == Kind.NONE) {
            return command;
        }
        Entry e = found.get();
        List<String> run = SpringBootJar.in(command, codeDir).map(jar -> jar.extracted(command, e.dir)).orElse(command);
        synchronized (e) {
            if (Files.isRegularFile(e.cache())) {
                env.put(OPTIONS, options(env, e.kind == Kind.AOT ? "-XX:AOTCache=" + e.cache() : "-XX:SharedArchiveFile=" + e.cache()));
            } else if (e.recording == null && !e.creating && failures(e).size() < ATTEMPTS) {
                Path file = e.dir.resolve("record-" + instanceId + e.kind.recording);
                e.recording = new Recording(instanceId, file, run, new HashMap<>(env), codeDir);
                recordings.put(instanceId, e);
                env.put(OPTIONS, options(env, e.kind == Kind.AOT
                        ? "-XX:AOTMode=record -XX:AOTConfiguration=" + file : "-XX:ArchiveClassesAtExit=" + file));
            }
        }
        return run;
    }

    /** Where the instance's JVM writes its recording, when its start records the start cache. */
    Optional<Path> recordingDir(String instanceId) {
        return Optional.ofNullable(recordings.get(instanceId)).map(e -> e.dir);
    }

    /** Whether the instance's start records the start cache (its JVM writes the recording as it exits). */
    boolean records(String instanceId) {
        return recordings.containsKey(instanceId);
    }

    /**
     * An instance's process is gone: if it was recording, keep what it recorded (an AppCDS archive
     * at once; an AOT cache is made from the recording in the background), or count a failure.
     *
     * @param served whether the process became ready before it stopped
     */
    void exited(String instanceId, boolean served) {
        Entry e = recordings.remove(instanceId);
        if (e == null) {
            return;
        }
        Recording r;
        synchronized (e) {
            r = e.recording;
            e.recording = null;
            if (r == null || !r.instanceId().equals(instanceId)) {
                return;
            }
            if (served && nonEmpty(r.file()) && e.kind == Kind.AOT) {
                e.creating = true;
            }
        }
        if (!served) {
            fail(e, "instance " + instanceId + " stopped before it was ready");
            delete(r.file());
        } else if (!nonEmpty(r.file())) {
            fail(e, "the JVM of instance " + instanceId + " wrote nothing when it stopped (it writes its recording"
                    + " only when it exits normally, e.g. on SIGTERM, not when it is killed)");
        } else if (e.kind == Kind.CDS) {
            keep(e, r.file());
        } else {
            maker.execute(() -> create(e, r));
        }
    }

    /**
     * What {@code nubo describe} says of a revision's start cache; empty when its command does not run
     * {@code java}.
     */
    Optional<String> status(List<String> command, Path codeDir, Map<String, String> env) {
        return entry(command, codeDir, env).map(e -> describe(e, SpringBootJar.in(command, codeDir)));
    }

    private String describe(Entry e, Optional<SpringBootJar> boot) {
        String jdk = "JDK " + e.java.version() + " (" + e.java.program() + ")";
        if (e.kind == Kind.NONE) {
            return "none: " + jdk + " has neither an AOT cache (JDK 24+) nor AppCDS archives (JDK 13+); the app runs as before";
        }
        String form = boot.map(jar -> jar.describe(e.dir)).orElse("");
        List<String> failures = failures(e);
        synchronized (e) {
            if (Files.isRegularFile(e.cache())) {
                return e.kind.title + " in use, " + jdk + ": " + e.cache() + " (" + size(e.cache()) + ")" + form;
            }
            if (e.creating) {
                return e.kind.title + ", " + jdk + ": being made from the first start's recording; starts run as before until it is ready" + form;
            }
            if (e.recording != null) {
                return e.kind.title + ", " + jdk + ": instance " + e.recording.instanceId() + " records it; used by the starts"
                        + " after it stops" + form;
            }
        }
        if (failures.size() >= ATTEMPTS) {
            return "none: the " + e.kind.title + " failed " + failures.size() + " times (last: " + failures.getLast()
                    + "); the app runs as before" + form;
        }
        return e.kind.title + ", " + jdk + ": recorded by the next start" + form;
    }

    private void create(Entry e, Recording r) {
        Path partial = e.dir.resolve(e.kind.file + ".tmp");
        Path log = e.dir.resolve("create.log");
        try {
            ProcessBuilder builder = new ProcessBuilder(r.command()).directory(r.workDir().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // The environment an instance gets (Instances.inheritedEnv), not the server's.
            Map<String, String> env = builder.environment();
            env.keySet().retainAll(List.of("PATH", "HOME", "LANG", "JAVA_HOME", "TMPDIR"));
            env.putAll(r.env());
            env.put(OPTIONS, options(r.env(), "-XX:AOTMode=create -XX:AOTConfiguration=" + r.file() + " -XX:AOTCache=" + partial));
            Process p = builder.start();
            if (!p.waitFor(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(e, "making the AOT cache took over " + CREATE_TIMEOUT.toMinutes() + " minutes (see " + log + ")");
            } else if (p.exitValue() != 0 || !nonEmpty(partial)) {
                fail(e, "making the AOT cache failed with exit status " + p.exitValue() + " (see " + log + ")");
            } else {
                keep(e, partial);
            }
        } catch (IOException e1) {
            fail(e, "cannot make the AOT cache: " + e1.getMessage());
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } finally {
            delete(partial);
            delete(r.file());
            synchronized (e) {
                e.creating = false;
            }
        }
    }

    private void keep(Entry e, Path made) {
        try {
            Files.move(made, e.cache(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("JVM app start cache ready: {} ({}) for {}", e.cache(), size(e.cache()), e.java.program());
        } catch (IOException ex) {
            fail(e, "cannot keep " + made + ": " + ex.getMessage());
        }
    }

    private void fail(Entry e, String reason) {
        LOG.warn("JVM app start cache {}: {}", e.dir, reason);
        try {
            Files.writeString(e.failures(), Instant.now() + " " + reason.replace('\n', ' ') + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            LOG.warn("cannot note the failure in {}: {}", e.failures(), ex.getMessage());
        }
    }

    private static List<String> failures(Entry e) {
        try {
            return Files.isRegularFile(e.failures())
                    ? Files.readAllLines(e.failures()).stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList() : List.of();
        } catch (IOException ex) {
            return List.of();
        }
    }

    private Optional<Entry> entry(List<String> command, Path codeDir, Map<String, String> env) {
        String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        return JavaLauncher.of(command, path).map(java -> {
            String key = key(codeDir + "\0" + String.join("\0", command) + "\0" + java.home() + "\0" + java.version());
            return entries.computeIfAbsent(key, k -> {
                Path dir = root.resolve(k);
                try {
                    Files.createDirectories(dir);
                } catch (IOException ex) {
                    LOG.warn("cannot create {}: {}", dir, ex.getMessage());
                }
                return new Entry(dir, java);
            });
        });
    }

    private static String options(Map<String, String> env, String ours) {
        String theirs = env.getOrDefault(OPTIONS, "").strip();
        return theirs.isEmpty() ? ours : theirs + " " + ours;
    }

    private static String key(String identity) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean nonEmpty(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String size(Path file) {
        try {
            return (Files.size(file) >> 20) + " MiB";
        } catch (IOException e) {
            return "size unknown";
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", file, e.getMessage());
        }
    }

    /** For tests: waits until the cache being made in the background (if any) is done. */
    void awaitIdle(Duration limit) throws InterruptedException {
        maker.submit(() -> {});
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end && entries.values().stream().anyMatch(e -> {
            synchronized (e) {
                return e.creating;
            }
        })) {
            Thread.sleep(20);
        }
    }
}
