package dev.nubo.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The files of a project directory that change, for {@code nubo dev}: every directory is watched
 * (inotify on Linux) except those builds and tools write into ({@code target}, {@code node_modules},
 * {@code .git}, ...), so that a build does not trigger itself. A save comes as a burst of events
 * (editors write a temporary file, then rename it), so a batch ends only once the directory has
 * been quiet for {@link #QUIET}.
 */
final class SourceWatch implements AutoCloseable {

    static final Duration QUIET = Duration.ofMillis(60);
    static final Set<String> UNWATCHED = Set.of(".git", ".nubo", "target", "node_modules", "__pycache__", ".idea",
            ".vscode", ".venv", "venv", "build", "dist", ".pytest_cache");

    private final Path root;
    private final WatchService service;
    private final Map<WatchKey, Path> keys = new HashMap<>();

    SourceWatch(Path root) throws IOException {
        this.root = root;
        this.service = FileSystems.getDefault().newWatchService();
        register(root);
    }

    /** Blocks until something changes, then returns the changed files relative to the root, after the burst ends. */
    Set<Path> next() throws InterruptedException {
        Set<Path> changed = new TreeSet<>();
        WatchKey key = service.take();
        while (key != null) {
            collect(key, changed);
            key = service.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
            if (key == null && changed.isEmpty()) {
                key = service.take(); // only ignored files changed: keep waiting
            }
        }
        return changed;
    }

    private void collect(WatchKey key, Set<Path> changed) {
        Path dir = keys.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW || dir == null) {
                changed.add(Path.of(""));
                continue;
            }
            Path path = dir.resolve((Path) event.context());
            if (!worthWatching(path.getFileName().toString())) {
                continue;
            }
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(path)) {
                try {
                    register(path);
                } catch (IOException e) {
                    changed.add(Path.of(""));
                }
            }
            if (!Files.isDirectory(path)) {
                changed.add(root.relativize(path));
            }
        }
        if (!key.reset()) {
            keys.remove(key);
        }
    }

    /** Editors' swap, backup and probe files are not saves. */
    static boolean worthWatching(String name) {
        return !UNWATCHED.contains(name) && !name.endsWith("~") && !name.endsWith(".swp") && !name.endsWith(".swx")
                && !name.startsWith(".#") && !name.equals("4913") && !name.endsWith(".tmp");
    }

    private void register(Path start) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && UNWATCHED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                keys.put(dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
