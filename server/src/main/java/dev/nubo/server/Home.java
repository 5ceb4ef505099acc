package dev.nubo.server;

import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout of {@code NUBO_HOME}:
 *
 * <pre>
 *   nubo.db              services, revisions, events (SQLite; not there with --store postgresql://…)
 *   events.db            the event log: brokers, triggers, deliveries, … (SQLite; not there with --store postgresql://…)
 *   admin.token          the control API's admin token (0600)
 *   node.id              this server's node id, which owns the event deliveries it leases
 *   server.json          where the running server listens, for the CLI (0600)
 *   blobs/sha256/HEX.zip every deployed archive, by content
 *   code/HEX/            each archive unpacked, shared by the revisions that deployed it
 *   logs/SERVICE/ID.log  each instance's captured output
 *   tmp/                 uploads in progress
 *   server.lock          locked while a server runs here
 * </pre>
 */
final class Home {

    private final Path root;
    private final FileChannel lock;

    private Home(Path root, FileChannel lock) {
        this.root = root;
        this.lock = lock;
    }

    /**
     * Locks the home for this server, creates the layout where missing, and empties {@code tmp/} of
     * uploads a stopped server left. One server per home: a second would empty the first's
     * {@code tmp/} and, sharing its cgroup scope, kill its instances as leftovers of a dead run.
     */
    static Home prepare(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        FileChannel lock = null;
        try {
            Files.createDirectories(abs);
            lock = FileChannel.open(abs.resolve("server.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (!tryLock(lock)) {
                throw UserError.conflict("home.in_use", "another Nubo server is running with NUBO_HOME " + abs,
                        "stop it first (server.json there says where it listens), or start this one with another --home");
            }
            Artifacts.deleteTree(abs.resolve("tmp"));
            for (String dir : new String[] {"", "blobs/sha256", "code", "logs", "tmp"}) {
                Files.createDirectories(abs.resolve(dir));
            }
            Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rwx------"));
            return new Home(abs, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock);
            if (e instanceof UserError inUse) {
                throw inUse;
            }
            throw new PlatformFault("platform.home", "cannot prepare NUBO_HOME at " + root + ": " + e.getMessage(), e);
        }
    }

    /** False when another process, or another server in this JVM, holds the lock. */
    private static boolean tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException sameJvm) {
            return false;
        }
    }

    /** Lets the next server have this home; the kernel does it too when this process dies. */
    void unlock() {
        closeQuietly(lock);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing releases the lock, or the process's end will
        }
    }

    Path root() {
        return root;
    }

    /** The event log: brokers, triggers, pending deliveries, dead letters, invocations and sources. */
    Path eventsDatabase() {
        return root.resolve("events.db");
    }

    Path blobs() {
        return root.resolve("blobs/sha256");
    }

    Path blob(String hex) {
        return blobs().resolve(hex + ".zip");
    }

    Path code(String hex) {
        return root.resolve("code").resolve(hex);
    }

    Path logs(String service) {
        return root.resolve("logs").resolve(service);
    }

    Path tmp() {
        return root.resolve("tmp");
    }

    /**
     * This server's node id, made up the first time and kept in {@code node.id}: the owner of the event
     * deliveries it leases. Stable across restarts, so that a restarted server takes its own back at once;
     * random, so that servers sharing an event log (on PostgreSQL) never take each other for themselves.
     */
    String nodeId() {
        return randomOnce("node.id", "node-", 6);
    }

    /** The admin token, created with mode 0600 the first time. */
    String adminToken() {
        return randomOnce("admin.token", "nubo_", 32);
    }

    /** The content of {@code name}: {@code prefix} and {@code bytes} random bytes in hex, written (0600) the first time. */
    private String randomOnce(String name, String prefix, int bytes) {
        Path file = root.resolve(name);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            byte[] random = new byte[bytes];
            new SecureRandom().nextBytes(random);
            String value = prefix + HexFormat.of().formatHex(random);
            writePrivate(file, value + "\n");
            return value;
        } catch (IOException e) {
            throw new PlatformFault("platform.home", "cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Tells CLIs sharing this NUBO_HOME where the server listens. */
    void writeServerFile(String api, String gateway, String domain) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("api", api);
        info.put("gateway", gateway);
        info.put("domain", domain);
        info.put("pid", ProcessHandle.current().pid());
        try {
            writePrivate(root.resolve("server.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(info) + "\n");
        } catch (IOException e) {
            throw new PlatformFault("platform.home", "cannot write server.json: " + e.getMessage(), e);
        }
    }

    void removeServerFile() {
        try {
            Files.deleteIfExists(root.resolve("server.json"));
        } catch (IOException ignored) {
            // A stale file only makes the CLI report "cannot reach the server", which is true.
        }
    }

    private void writePrivate(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(tmp(), file.getFileName().toString(), ".tmp");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp, content);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
