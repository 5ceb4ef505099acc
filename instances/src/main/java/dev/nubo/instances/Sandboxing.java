package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Sandbox} of one {@link Instances}, once this machine proved it can run one: hands out
 * user ids and cells, and shows a pooled process its function's code.
 */
final class Sandboxing {

    private static final Logger LOG = LoggerFactory.getLogger(Sandboxing.class);

    private final Sandbox sandbox;
    private final Optional<Path> privateHome;
    private final List<Path> toolchains;
    private final AtomicInteger launches = new AtomicInteger();

    private Sandboxing(Sandbox sandbox, Optional<Path> privateHome, List<Path> toolchains) {
        this.sandbox = sandbox;
        this.privateHome = privateHome;
        this.toolchains = toolchains;
    }

    /**
     * The server user's home, when other users cannot enter it, and the directories right under it
     * that the instances' PATH and JAVA_HOME go through: interpreters installed there (pyenv, nvm,
     * sdkman) must stay runnable for a user who could not reach them on the host either.
     */
    static Sandboxing of(Sandbox sandbox, Path userHome, Map<String, String> env) {
        Path home = userHome.toAbsolutePath().normalize();
        boolean closed;
        try {
            closed = !Files.getPosixFilePermissions(home).contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            closed = false;
        }
        if (!closed || home.getNameCount() == 0) {
            return new Sandboxing(sandbox, Optional.empty(), List.of());
        }
        List<Path> toolchains = Stream.concat(Arrays.stream(env.getOrDefault("PATH", "").split(":")),
                        Stream.ofNullable(env.get("JAVA_HOME")))
                .filter(entry -> !entry.isBlank()).map(entry -> Path.of(entry).toAbsolutePath().normalize())
                .filter(entry -> entry.startsWith(home) && entry.getNameCount() > home.getNameCount())
                .map(entry -> home.resolve(entry.getName(home.getNameCount())))
                .filter(dir -> !dir.startsWith(sandbox.hidden()) && !sandbox.hidden().startsWith(dir))
                .distinct().toList();
        return new Sandboxing(sandbox, Optional.of(home), toolchains);
    }

    /**
     * Runs {@code true} in a sandbox once; empty, with the reason logged once, when this machine
     * cannot (bwrap missing, user namespaces off, not root so no other user id).
     */
    static Optional<Sandboxing> detect(Sandbox sandbox, Map<String, String> env) {
        Sandboxing sandboxing = of(sandbox, Path.of(System.getProperty("user.home")), env);
        try {
            Files.createDirectories(sandbox.slots());
            try (Stream<Path> left = Files.list(sandbox.slots())) {
                left.forEach(Sandboxing::removeTree); // slots of processes of an earlier run, all gone
            }
            Path probe = Files.createTempDirectory(sandbox.slots(), ".probe");
            try {
                List<String> command = sandboxing.cell(probe, 0).wrap(List.of("true"));
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                builder.environment().clear();
                builder.environment().putAll(env);
                Process p = builder.start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    LOG.warn("instances run WITHOUT a sandbox: a trial sandbox (bwrap, then setpriv to uid {}) failed: {}."
                            + " They run as this server's user and can read its home {}. Run the server as root with"
                            + " bubblewrap installed, or start it with --sandbox off to say this is intended",
                            sandbox.firstUid(), out.isEmpty() ? "exit " + p.exitValue() : out, sandbox.hidden());
                    return Optional.empty();
                }
            } finally {
                removeTree(probe);
            }
        } catch (IOException e) {
            LOG.warn("instances run WITHOUT a sandbox: cannot run bubblewrap ({}); install the bubblewrap package, or"
                    + " start the server with --sandbox off to say this is intended", e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        LOG.info("instances run sandboxed: each as its own user (from uid {}), {} hidden", sandbox.firstUid(), sandbox.hidden());
        return Optional.of(sandboxing);
    }

    /** A cell for the next process: a user id not used by the last {@link Sandbox#uids()} - 1 launches. */
    SandboxCell cell(Path code, int nproc) {
        int uid = sandbox.firstUid() + Math.floorMod(launches.getAndIncrement(), sandbox.uids());
        return new SandboxCell(sandbox, uid, code.toAbsolutePath().normalize(), nproc, privateHome, toolchains, List.of(), Optional.empty());
    }

    /**
     * As {@link #cell(Path, int)}, with {@code writable} handed to the cell's user so it can write there,
     * and {@code secrets} (a {@link SecretFiles} directory) so it alone can read them.
     */
    SandboxCell cell(Path code, int nproc, List<Path> writable, Optional<Path> secrets) throws IOException {
        SandboxCell cell = cell(code, nproc);
        for (Path dir : writable) {
            Files.setAttribute(dir, "unix:uid", cell.uid());
        }
        if (secrets.isPresent()) {
            SecretFiles.handTo(secrets.get(), cell.uid());
            // bwrap binds onto an existing path only: the machine's root is read-only in the sandbox.
            Files.createDirectories(SecretFiles.MOUNT);
        }
        return new SandboxCell(sandbox, cell.uid(), cell.code(), nproc, privateHome, toolchains,
                writable.stream().map(p -> p.toAbsolutePath().normalize()).toList(), secrets);
    }

    /** A new empty slot for a pooled process, at the same path inside its sandbox as outside. */
    Path newSlot(String id) throws IOException {
        Path slot = sandbox.slots().resolve(id);
        removeTree(slot);
        return Files.createDirectory(slot);
    }

    /**
     * Shows the pooled process of {@code slot} the code in {@code code}: hard links (a copy where the
     * two are on different file systems), so it costs a directory walk, not the bytes. The slot is
     * bound read-only in the sandbox, so the links cannot be used to change the code.
     */
    static void fill(Path slot, Path code) throws IOException {
        try (Stream<Path> tree = Files.walk(code)) {
            for (Path from : tree.toList()) {
                Path to = slot.resolve(code.relativize(from).toString());
                if (from.equals(code)) {
                    continue;
                }
                if (Files.isDirectory(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else if (Files.isSymbolicLink(from)) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(from));
                } else {
                    try {
                        Files.createLink(to, from);
                    } catch (FileAlreadyExistsException e) {
                        throw e;
                    } catch (IOException | UnsupportedOperationException crossDevice) {
                        Files.copy(from, to);
                    }
                }
            }
        }
    }

    static void removeTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove sandbox slot {}: {}", dir, e.toString());
        }
    }
}
