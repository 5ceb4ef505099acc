package dev.nubo.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real, small file system for tests of a full disk: a tmpfs mounted in a mount namespace of its
 * own (so nothing is mounted on the machine, and it goes when the holder process does), reached
 * from this JVM through {@code /proc/PID/root}. Needs unprivileged user namespaces; the test is
 * skipped where they are unavailable.
 */
final class SmallDisk implements AutoCloseable {

    private final Process holder;
    private final Path root;

    private SmallDisk(Process holder, Path root) {
        this.holder = holder;
        this.root = root;
    }

    /** A tmpfs of {@code size} (e.g. {@code 8m}) over the empty directory {@code dir}. */
    static SmallDisk mount(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("unshare", "-Urm", "sh", "-c",
                "mount -t tmpfs -o size=" + size + " nubo-test " + dir.toAbsolutePath() + " && echo mounted && exec sleep 3600")
                .redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"mounted".equals(first)) {
            p.destroyForcibly();
        }
        assumeTrue("mounted".equals(first), "cannot mount a tmpfs in a user namespace here: " + first);
        return new SmallDisk(p, Path.of("/proc/" + p.pid() + "/root").resolve(dir.toAbsolutePath().toString().substring(1)));
    }

    /** The mounted directory as this JVM reaches it. */
    Path root() {
        return root;
    }

    @Override
    public void close() {
        holder.destroyForcibly();
    }
}
