package dev.nubo.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A service directory zipped for upload. The zip is reproducible: entries sorted by path, every
 * timestamp 1980-01-01, no directory entries, so the same tree gives the same bytes and the server's
 * digest changes only when the code does.
 *
 * <p>Left out: {@code .git/} and {@code .nubo/} at any depth, anything that is not a regular file,
 * and symbolic links that lead out of the directory or to a directory (a link to a file inside is
 * stored as that file). Zip entries written by java.util.zip carry no Unix mode, so the executable bit
 * is lost; a {@code process} command should be started through its interpreter
 * ({@code [sh, run.sh]}, {@code [python3, app.py]}) rather than rely on it.
 */
record Archive(Path file, long size, int entries, List<String> skipped) implements AutoCloseable {

    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", ".nubo");
    private static final LocalDateTime EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    /** Zips {@code directory} into a temporary file that {@link #close()} deletes. */
    static Archive of(Path directory) throws IOException {
        Path root = directory.toRealPath();
        List<String> skipped = new ArrayList<>();
        TreeMap<String, Path> files = collect(root, skipped);
        Path zip = Files.createTempFile("nubo-deploy-", ".zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (var e : files.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTimeLocal(EPOCH);
                out.putNextEntry(entry);
                Files.copy(e.getValue(), out);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(zip);
            throw e;
        }
        return new Archive(zip, Files.size(zip), files.size(), skipped.stream().sorted().toList());
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Entry name (relative, '/'-separated) to the file whose bytes it holds, sorted by name. */
    private static TreeMap<String, Path> collect(Path root, List<String> skipped) throws IOException {
        TreeMap<String, Path> files = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                boolean skip = !dir.equals(root) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString());
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = entryName(root, file);
                if (attrs.isRegularFile()) {
                    files.put(name, file);
                } else if (attrs.isSymbolicLink()) {
                    Path target = Files.exists(file) ? file.toRealPath() : null;
                    if (target == null || !target.startsWith(root)) {
                        skipped.add(name + " (a link that leads out of the directory)");
                    } else if (!Files.isRegularFile(target)) {
                        skipped.add(name + " (a link to a directory)");
                    } else {
                        files.put(name, target);
                    }
                } else {
                    skipped.add(name + " (not a regular file)");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private static String entryName(Path root, Path file) {
        List<String> parts = new ArrayList<>();
        root.relativize(file).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }
}
