package dev.nubo.instances;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * An instance's secret files ({@link LaunchSpec#secretFiles()}) on the host: a directory of its own,
 * 0700, each file 0400, both handed to the sandbox's user when there is one, and removed when the
 * instance's process exits. They are written to {@code /dev/shm} where the machine has it, so that a
 * secret's value is only ever in memory, never on a disk or in NUBO_HOME; elsewhere to the system's
 * temporary directory. In the sandbox they are mounted read-only at {@link #MOUNT}.
 */
final class SecretFiles {

    /** Where a sandboxed instance sees its secret files: Docker's and Compose's place for them. */
    static final Path MOUNT = Path.of("/run/secrets");
    private static final Path MEMORY = Path.of("/dev/shm");

    private SecretFiles() {}

    /** A new directory holding {@code files} (by path under {@link #MOUNT}, with their contents), readable by this user only. */
    static Path write(String instanceId, Map<String, String> files) throws IOException {
        Path base = Files.isDirectory(MEMORY) && Files.isWritable(MEMORY) ? MEMORY : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "nubo-secrets-" + instanceId + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = dir.resolve(MOUNT.relativize(Path.of(f.getKey())).toString());
                if (!file.getParent().equals(dir)) {
                    throw new IOException("secret file " + f.getKey() + " is not directly under " + MOUNT);
                }
                Files.write(file, f.getValue().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            }
        } catch (IOException | RuntimeException e) {
            remove(dir);
            throw e;
        }
        return dir;
    }

    /** Makes {@code dir} and its files the sandbox user's {@code uid}, still 0700 and 0400: only that user reads them. */
    static void handTo(Path dir, int uid) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setAttribute(f, "unix:uid", uid);
            }
        }
        Files.setAttribute(dir, "unix:uid", uid);
    }

    static void remove(Path dir) {
        Sandboxing.removeTree(dir);
    }
}
