package dev.nubo.instances;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How instances are isolated from the server and from each other (see docs/SECURITY.md, "Sandbox").
 * Each instance process, and each pooled runtime process, runs under bubblewrap as a user id of its
 * own, taken in turn from {@code firstUid .. firstUid + uids - 1}, without capabilities, in its own
 * mount, PID, IPC and UTS namespaces. It needs the server to run as root (to hand out user ids). It sees the machine's file system read-only, a private /tmp (also its HOME and
 * TMPDIR), its own code read-only, {@code readable} read-only, and nothing of {@code hidden}. It
 * shares the host's network, so it still listens on loopback where the gateway reaches it.
 *
 * <pre>{@code
 * InstancesConfig.defaults().withSandbox(Sandbox.hiding(home, List.of(home.resolve("cache")), home.resolve("slots")))
 * }</pre>
 *
 * @param hidden the server's state directory (NUBO_HOME): tokens, databases, every service's code and logs
 * @param readable directories under {@code hidden} every instance may read, such as the runtime shims
 * @param slots an empty directory under {@code hidden}, on the file system of the services' code, where a
 *     pooled process is shown its function's code when it is specialised
 * @param firstUid the first user id handed out; none of the range may belong to a real user
 * @param uids how many user ids are handed out in turn; one is reused only after as many other launches
 */
public record Sandbox(Path hidden, List<Path> readable, Path slots, int firstUid, int uids) {

    /** Far above the ids a distribution hands out (1000..60000) and below the 65534 of nobody's range used by containers. */
    public static final int FIRST_UID = 200_000;
    public static final int UIDS = 100_000;

    public Sandbox {
        Objects.requireNonNull(hidden, "hidden");
        Objects.requireNonNull(slots, "slots");
        readable = List.copyOf(readable);
        if (firstUid < 1000 || uids < 1) {
            throw new IllegalArgumentException("sandbox user ids must start at 1000 or above and number at least one;"
                    + " were " + firstUid + " and " + uids);
        }
    }

    public static Sandbox hiding(Path hidden, List<Path> readable, Path slots) {
        return new Sandbox(hidden.toAbsolutePath().normalize(), readable.stream().map(p -> p.toAbsolutePath().normalize()).toList(),
                slots.toAbsolutePath().normalize(), FIRST_UID, UIDS);
    }
}
