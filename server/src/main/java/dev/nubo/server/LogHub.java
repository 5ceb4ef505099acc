package dev.nubo.server;

import dev.nubo.instances.Instances;
import dev.nubo.instances.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Serves {@code nubo logs}: the tail of a service's instance logs from disk, then the lines as they
 * are written. Lines come out as {@code TIME INSTANCE STREAM TEXT}.
 *
 * <p>Instance logs stay on disk after an instance stops, so that the logs of a crash can still be
 * read; only the newest {@link #KEPT_FILES} instance logs of a service are kept.
 */
final class LogHub {

    static final int KEPT_FILES = 20;
    /** How far back in each instance's log a filtered tail looks. */
    static final int SEARCHED = 10_000;

    private final Home home;
    private final Map<String, String> serviceOf = new ConcurrentHashMap<>();
    private final Map<String, Set<Follower>> followers = new ConcurrentHashMap<>();
    private final Map<String, Set<Follower>> accessFollowers = new ConcurrentHashMap<>();

    /** Someone reading {@code nubo logs -f}: the lines of instances whose id starts with the prefix. */
    private record Follower(String revisionPrefix, LogFilter filter, Consumer<String> sink) {}

    LogHub(Home home) {
        this.home = home;
    }

    /** Tells the hub which service an instance's lines belong to. */
    void register(String instanceId, String service) {
        serviceOf.put(instanceId, service);
        prune(service);
    }

    /** Called for every line an instance writes, from the instance's reader threads. */
    void publish(LogLine line) {
        String service = serviceOf.get(line.instanceId());
        Set<Follower> fs = service == null ? null : followers.get(service);
        if (fs != null && !fs.isEmpty()) {
            String text = render(line.instanceId(), line.format());
            fs.stream().filter(f -> line.instanceId().startsWith(f.revisionPrefix()) && f.filter().matches(text))
                    .forEach(f -> f.sink().accept(text));
        }
    }

    /** Called for every access log line as it is written ({@link AccessLogs}' writer thread). */
    void publishAccess(String service, String revision, String line) {
        Set<Follower> fs = accessFollowers.get(service);
        if (fs != null && !fs.isEmpty()) {
            fs.stream().filter(f -> revision.startsWith(f.revisionPrefix()) && f.filter().matches(line))
                    .forEach(f -> f.sink().accept(line));
        }
    }

    /** Receives the new access log lines of a service that {@code filter} matches, until the handle is run. */
    Runnable followAccess(String service, String revisionPrefix, LogFilter filter, Consumer<String> sink) {
        Follower follower = new Follower(revisionPrefix, filter, sink);
        accessFollowers.computeIfAbsent(service, s -> new CopyOnWriteArraySet<>()).add(follower);
        return () -> accessFollowers.getOrDefault(service, Set.of()).remove(follower);
    }

    /** The newest {@code n} access log lines of a service that {@code filter} matches, oldest first. */
    List<String> accessTail(String service, String revisionPrefix, int n, LogFilter filter) {
        boolean all = filter.everything() && revisionPrefix.isEmpty();
        List<String> lines = new ArrayList<>();
        for (String l : Instances.logTail(AccessLogs.file(home, service), all ? n : Math.max(n, SEARCHED))) {
            if (AccessLine.revision(l).startsWith(revisionPrefix) && filter.matches(l)) {
                lines.add(l);
            }
        }
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** Receives new lines of a service (of one revision, or of all with "") until the returned handle is run. */
    Runnable follow(String service, String revisionPrefix, Consumer<String> sink) {
        return follow(service, revisionPrefix, LogFilter.ALL, sink);
    }

    /** Receives the new lines that {@code filter} matches. */
    Runnable follow(String service, String revisionPrefix, LogFilter filter, Consumer<String> sink) {
        Follower follower = new Follower(revisionPrefix, filter, sink);
        followers.computeIfAbsent(service, s -> new CopyOnWriteArraySet<>()).add(follower);
        return () -> followers.getOrDefault(service, Set.of()).remove(follower);
    }

    /** The newest {@code n} lines of a service (optionally of one revision), oldest first. */
    List<String> tail(String service, String revisionPrefix, int n) {
        return tail(service, revisionPrefix, n, LogFilter.ALL);
    }

    /**
     * The newest {@code n} lines that {@code filter} matches, oldest first. With a filter it looks
     * through the newest {@link #SEARCHED} lines of each instance's log, not further back.
     */
    List<String> tail(String service, String revisionPrefix, int n, LogFilter filter) {
        Path dir = home.logs(service);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                String instance = f.getFileName().toString().replaceFirst("\\.log$", "");
                if (!instance.startsWith(revisionPrefix)) {
                    continue;
                }
                for (String l : Instances.logTail(f, filter.everything() ? n : Math.max(n, SEARCHED))) {
                    String rendered = render(instance, l);
                    if (filter.matches(rendered)) {
                        lines.add(rendered);
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        // ISO-8601 instants of one width sort as text; a stable sort keeps each file's order on ties.
        lines.sort(Comparator.comparing(l -> l.substring(0, Math.min(24, l.length()))));
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** Deletes a deleted service's logs. */
    void forget(String service) {
        Artifacts.deleteTree(home.logs(service));
        followers.remove(service);
        accessFollowers.remove(service);
        serviceOf.values().removeIf(service::equals);
    }

    /** {@code TIME STREAM TEXT} as stored becomes {@code TIME INSTANCE STREAM TEXT}. */
    private static String render(String instance, String stored) {
        int space = stored.indexOf(' ');
        return space < 0 ? stored : stored.substring(0, space) + " " + instance + stored.substring(space);
    }

    private void prune(String service) {
        Path dir = home.logs(service);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .sorted(Comparator.comparing(LogHub::modified).reversed()).toList();
            for (Path old : logs.subList(Math.min(KEPT_FILES, logs.size()), logs.size())) {
                Files.deleteIfExists(old);
                Files.deleteIfExists(old.resolveSibling(old.getFileName() + ".1"));
            }
        } catch (IOException ignored) {
            // The directory appears with the first instance; nothing to prune before.
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
