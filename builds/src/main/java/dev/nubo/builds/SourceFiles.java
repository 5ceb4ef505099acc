package dev.nubo.builds;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a directory that go into its upload: every regular file the rules do not leave out,
 * by its '/'-separated path relative to the root, sorted. A directory the rules leave out is not
 * entered (so, as in git, nothing under it can be re-included). Symbolic links that lead to a file
 * inside the directory are taken as that file; links that lead out of it or to a directory, and
 * anything that is not a regular file, are left out and named in {@code skipped}.
 *
 * @param files entry name to the file whose bytes it holds, sorted by name
 * @param skipped what was left out for what it is, not for a rule: {@code "leak (a link that leads out of the directory)"}
 */
record SourceFiles(TreeMap<String, Path> files, List<String> skipped) {

    static SourceFiles collect(Path directory, IgnoreRules rules) throws IOException {
        Path root = directory.toRealPath();
        TreeMap<String, Path> files = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                boolean skip = !dir.equals(root) && rules.ignored(entryName(root, dir), true);
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = entryName(root, file);
                if (attrs.isRegularFile()) {
                    if (!rules.ignored(name, false)) {
                        files.put(name, file);
                    }
                } else if (attrs.isSymbolicLink()) {
                    Path target = Files.exists(file) ? file.toRealPath() : null;
                    boolean directory = target != null && Files.isDirectory(target);
                    if (rules.ignored(name, directory)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (target == null || !target.startsWith(root)) {
                        skipped.add(name + " (a link that leads out of the directory)");
                    } else if (!Files.isRegularFile(target)) {
                        skipped.add(name + " (a link to a directory)");
                    } else {
                        files.put(name, target);
                    }
                } else if (!rules.ignored(name, false)) {
                    skipped.add(name + " (not a regular file)");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new SourceFiles(files, skipped.stream().sorted().toList());
    }

    /** These files with {@code more} added under {@code prefix} (which replace files of the same name). */
    SourceFiles with(String prefix, Map<String, Path> more) {
        TreeMap<String, Path> all = new TreeMap<>(files);
        more.forEach((name, file) -> all.put(prefix + name, file));
        return new SourceFiles(all, skipped);
    }

    static String entryName(Path root, Path file) {
        List<String> parts = new ArrayList<>();
        root.relativize(file).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }
}
