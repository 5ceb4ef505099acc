package dev.nubo.server;

import dev.nubo.instances.InstancesConfig;
import dev.nubo.instances.Sandbox;
import java.util.List;
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
        return instances.withSandbox(Sandbox.hiding(config.home(), List.of(config.runtimeCache()),
                config.home().resolve("sandbox-slots")));
    }
}
