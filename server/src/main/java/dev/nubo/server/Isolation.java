package dev.nubo.server;

import dev.nubo.instances.Instances;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Quantities;
import java.util.ArrayList;
import java.util.List;

/**
 * For {@code nubo describe}: how a revision's instances are kept apart and held to their limits on
 * this machine, naming every limit of its nubo.yaml that nothing enforces, so none is ignored silently.
 */
final class Isolation {

    private Isolation() {}

    /** e.g. {@code sandboxed (own user, no view of the server's home); memory 256Mi, cpu 500m, processes 1024}. */
    static String describe(Instances.Enforcement e, Descriptor d) {
        List<String> limits = new ArrayList<>();
        limits.add("memory " + Quantities.formatBytes(d.memory()) + unenforced(e, "memory"));
        if (d.cpu() > 0) {
            limits.add("cpu " + d.cpu() + "m" + unenforced(e, "cpu"));
        }
        limits.add("processes " + d.processes() + unenforced(e, "process count"));
        String sandbox = e.sandboxed() ? "sandboxed (own user, read-only system, no view of the server's home)"
                : "NOT sandboxed (runs as the server's user; see docs/SECURITY.md)";
        return sandbox + "; " + String.join(", ", limits);
    }

    private static String unenforced(Instances.Enforcement e, String limit) {
        return e.unenforced().contains(limit) ? " (NOT enforced on this machine)" : "";
    }
}
