package dev.nubo.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups of one server's processes. Every instance process, and every pooled one, runs in a
 * cgroup of its own, with or without a memory limit, so that stopping it stops everything it started,
 * even a child that left its process group (setsid, a daemon).
 *
 * <p>Layout, the same in each hierarchy used: {@code <mount>/nubo/<scope>/<run>/<name>}.
 * <ul>
 *   <li>{@code scope} is the server's ({@link InstancesConfig#scope()}): servers on one machine never
 *       share a directory, so instance and pool names may repeat between them and one server never
 *       touches another's processes.
 *   <li>{@code run} is this run of the server (its pid and a random part). At start every other run
 *       of the same scope is a leftover of a server that died; its processes are killed and its
 *       directories removed. A run of its own keeps the watchdog of a server that has just died,
 *       still sweeping its run, away from the groups of the server that replaces it.
 *   <li>{@code nubo} sits at the root of the hierarchy rather than under the server's own cgroup
 *       because cgroup v2 forbids a group that holds processes (the server's) from handing
 *       controllers to its children.
 * </ul>
 *
 * <p>Hierarchies, detected at run time: to hold processes, cgroup v2 wherever it is mounted (it needs
 * no controller, and {@code cgroup.kill} kills a whole tree at once), else the v1 freezer, pids or
 * memory controller; for each limit (memory, cpu, pids), v2 when it offers that controller, else
 * the v1 hierarchy of that controller, so a v1/v2 hybrid machine uses both.
 * The process joins its cgroups itself before it execs the user's command (see
 * {@link InstanceProcess#command}), so not even its first allocation escapes.
 */
final class Cgroups {

    static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);

    private final CgroupHierarchy tracker;
    private final Map<Controller, CgroupHierarchy> limiters;

    private Cgroups(CgroupHierarchy tracker, Map<Controller, CgroupHierarchy> limiters) {
        this.tracker = tracker;
        this.limiters = limiters;
    }

    /**
     * Finds the hierarchies under {@code root} (normally {@code /sys/fs/cgroup}), creates this run's
     * directories in them and removes what earlier runs of {@code scope} left. Empty when no hierarchy
     * can be used; every shortcoming is logged once, here.
     */
    static Optional<Cgroups> detect(Path root, String scope) {
        Path run = Path.of("nubo", scope, ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(new SecureRandom().nextInt()));
        Optional<CgroupHierarchy> v2 = Stream.of(root, root.resolve("unified"))
                .filter(mount -> Files.isRegularFile(mount.resolve("cgroup.controllers")))
                .findFirst()
                .flatMap(mount -> opened(mount, () -> CgroupV2.open(mount, mount.resolve(run))));
        Map<Controller, CgroupHierarchy> limiters = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            v2.filter(h -> h.controllers().contains(c)).or(() -> v1(root, c.key, run))
                    .flatMap(h -> probed(h, c)).ifPresent(h -> limiters.put(c, h));
        }
        Optional<CgroupHierarchy> tracker = v2.or(() -> v1(root, "freezer", run)).or(() -> v1(root, "pids", run))
                .or(() -> Optional.ofNullable(limiters.get(Controller.MEMORY)));
        if (tracker.isEmpty()) {
            LOG.warn("instance processes run without a cgroup: no writable cgroup hierarchy under {} (run Nubo as"
                    + " root or delegate a cgroup subtree to it). A process that leaves its process group (setsid,"
                    + " a daemon) cannot be tracked and outlives its instance and the server; memory, cpu and"
                    + " process count limits are not enforced by a cgroup", root);
            return Optional.empty();
        }
        for (Controller c : Controller.values()) {
            if (!limiters.containsKey(c)) {
                LOG.warn("{} limits are not enforced by a cgroup: no usable {} controller under {} (neither cgroup"
                        + " v2 with '{}' in cgroup.controllers nor cgroup v1 {}/{})", c.limitName(), c.key, root, c.key,
                        root, c.key);
            }
        }
        Cgroups cgroups = new Cgroups(tracker.get(), Map.copyOf(limiters));
        cgroups.removeEarlierRuns();
        LOG.info("instance processes are kept in {}", cgroups.describe());
        return Optional.of(cgroups);
    }

    private interface Opener {
        CgroupHierarchy open() throws IOException;
    }

    private static Optional<CgroupHierarchy> opened(Path mount, Opener opener) {
        try {
            return Optional.of(opener.open());
        } catch (IOException e) {
            LOG.info("cannot use the cgroup hierarchy at {}: {}", mount, e.toString());
            return Optional.empty();
        }
    }

    /** A v1 hierarchy of this controller mounted at {@code root/controller}, if there is one. */
    private static Optional<CgroupHierarchy> v1(Path root, String controller, Path run) {
        Path mount = root.resolve(controller);
        String marker = switch (controller) {
            case "memory" -> "memory.limit_in_bytes";
            case "cpu" -> "cpu.cfs_quota_us";
            case "pids" -> "cgroup.procs";
            default -> "cgroup.procs";
        };
        boolean mounted = Files.isRegularFile(mount.resolve("cgroup.procs"))
                && !Files.exists(mount.resolve("cgroup.controllers"))
                && Files.isRegularFile(mount.resolve(marker));
        return mounted ? opened(mount, () -> CgroupV1.open(controller, mount.resolve(run))) : Optional.empty();
    }

    /**
     * Creates and removes a limited group once, so that a hierarchy we may create directories in but
     * not configure shows up here, not as a failed start of every instance with a limit.
     */
    private static Optional<CgroupHierarchy> probed(CgroupHierarchy hierarchy, Controller c) {
        // Instance ids cannot start with '.', so this never meets an instance's group.
        Path probe = hierarchy.run().resolve(".probe-" + c.key);
        try {
            Files.createDirectory(probe);
            hierarchy.limit(probe, c, new Limits(1L << 30, 1000, 4096));
            return Optional.of(hierarchy);
        } catch (IOException e) {
            LOG.info("cannot set a {} limit in {}: {}", c.limitName(), hierarchy.describe(), e.toString());
            if (hierarchy instanceof CgroupV1) {
                Cgroup.removeTree(hierarchy.run()); // a v1 limit hierarchy holds nothing else of ours
            }
            return Optional.empty();
        } finally {
            Cgroup.removeTree(probe);
        }
    }

    /** Kills what runs in the other runs of this scope, and removes them. */
    private void removeEarlierRuns() {
        for (Path run : runs()) {
            try (Stream<Path> scope = Files.list(run.getParent())) {
                for (Path earlier : scope.filter(p -> Files.isDirectory(p) && !p.equals(run)).toList()) {
                    int killed = Cgroup.killAll(earlier);
                    Cgroup.removeTree(earlier);
                    LOG.info("removed cgroup {}, left by an earlier run of this server{}", earlier,
                            killed == 0 ? "" : "; killed the " + killed + " processes still in it");
                }
            } catch (IOException e) {
                LOG.warn("cannot look for cgroups left by an earlier run of this server in {}: {}", run.getParent(),
                        e.toString());
            }
        }
    }

    /**
     * Creates the cgroup {@code name}, limited to {@code memoryBytes} where that is possible (0 means no
     * limit). A group of that name left in this run (one whose removal failed) is emptied first: its
     * counters would mislead.
     */
    Cgroup create(String name, Limits limits) throws IOException {
        Cgroup cgroup = new Cgroup(name, tracker, limiters);
        try {
            for (Path dir : cgroup.dirs()) {
                if (Files.exists(dir)) {
                    Cgroup.killAll(dir);
                    Cgroup.removeTree(dir);
                }
                Files.createDirectory(dir);
            }
            cgroup.limit(limits);
            return cgroup;
        } catch (IOException e) {
            cgroup.remove();
            throw new IOException("cannot create cgroup " + name + " in " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** This run's directories, one per hierarchy used: what the watchdog sweeps when the server is gone. */
    List<Path> runs() {
        return Stream.concat(Stream.of(tracker), limiters.values().stream()).map(CgroupHierarchy::run).distinct().toList();
    }

    /** The limits no hierarchy here can enforce. */
    Set<Controller> unenforced() {
        Set<Controller> missing = EnumSet.allOf(Controller.class);
        missing.removeAll(limiters.keySet());
        return missing;
    }

    /** For logs: where processes are kept, and where each limit is enforced. */
    String describe() {
        StringBuilder out = new StringBuilder(tracker.describe()).append(" (");
        for (Controller c : Controller.values()) {
            CgroupHierarchy h = limiters.get(c);
            out.append(c == Controller.MEMORY ? "" : "; ").append(c.limitName()).append(' ')
                    .append(h == null ? "not limited" : h.equals(tracker) ? "limited there too" : "limited in " + h.describe());
        }
        return out.append(')').toString();
    }
}
