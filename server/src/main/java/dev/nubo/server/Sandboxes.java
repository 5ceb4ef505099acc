package dev.nubo.server;

import dev.nubo.instances.InstancesConfig;
import dev.nubo.instances.Sandbox;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the server's settings become the instances' sandbox (docs/SECURITY.md, "Sandbox"). */
final class Sandboxes {

    private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

    private Sandboxes() {}

    /**
     * Hides the whole home from instances but the runtime cache (the shims, the Java host's archive,
     * unpacked layers: platform files, no secrets), which they need to run; a runtime cache outside
     * the home is visible anyway.
     */
    static InstancesConfig configure(InstancesConfig instances, ServerConfig config) {
        if (!config.sandbox()) {
            LOG.warn("instances run WITHOUT a sandbox (--sandbox off): as this server's user, able to read its home {}"
                    + " (admin token, databases, every service's code and logs)", config.home());
            return instances;
        }
        return instances.withSandbox(Sandbox.hiding(config.home(), readable(config),
                config.home().resolve("sandbox-slots")));
    }

    /**
     * What instances may read beside the machine's system: the runtime cache, and the jars and JDK this
     * server runs from, which the Java host runs from too. Those are bound explicitly, since Nubo may be
     * installed where a sandbox sees nothing (under /tmp, which is private to each instance, or a home
     * only root may enter); never a directory that holds the server's home, which would show it again.
     */
    static List<Path> readable(ServerConfig config) {
        Path home = config.home().toAbsolutePath().normalize();
        List<Path> readable = new ArrayList<>(List.of(config.runtimeCache()));
        Stream.of(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize())
                .map(entry -> Files.isDirectory(entry) ? entry : entry.getParent())
                .forEach(readable::add);
        readable.add(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize());
        return readable.stream().filter(dir -> dir != null && !home.startsWith(dir)).distinct().toList();
    }
}
