package dev.nubo.runtimes;

import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A function's {@code layers} (nubo.yaml) as the directories its runtime reads, handed over in
 * {@code NUBO_LAYERS} (absolute paths, in the order nubo.yaml lists them, separated by ':'). Each
 * runtime looks in them as Lambda looks in {@code /opt}, where a later layer's files win: Node in
 * {@code nodejs/node_modules}, Python in {@code python} and {@code python/lib/pythonX.Y/site-packages},
 * Java in {@code java/lib/*.jar}. A layer is a directory of the deployed code, or a {@code .zip}
 * archive in it, unpacked once into the runtime cache under its SHA-256 (the code directory is
 * shared and read-only to Nubo), within Lambda's 250 MB for unpacked code.
 */
final class Layers {

    static final String VARIABLE = "NUBO_LAYERS";
    /** Lambda's limit on a function's unpacked code and layers. */
    static final long MAX_UNPACKED = 250_000_000L;
    private static final int MAX_ENTRIES = 100_000;

    private Layers() {}

    /** Each layer exists and is a directory or a .zip file: a deploy fails at once rather than at the first start. */
    static void validate(Path codeDir, List<String> layers) {
        for (String layer : layers) {
            Path path = codeDir.resolve(layer).normalize();
            if (!Files.isDirectory(path) && !(Files.isRegularFile(path) && layer.endsWith(".zip"))) {
                throw UserError.badRequest("upload.invalid", "nubo.yaml: the layer " + layer + " is neither a directory nor a"
                        + " .zip archive in the deployed directory", "build the layer into the directory before `nubo deploy`,"
                        + " or fix `layers`");
            }
        }
    }

    /** Sets {@code NUBO_LAYERS} when the function has layers, unpacking archives into {@code cache} first. */
    static void put(Map<String, String> env, Runtimes.Target target, Path cache) {
        List<String> layers = target.descriptor().runtime().layers();
        if (layers.isEmpty()) {
            return;
        }
        List<String> dirs = new ArrayList<>();
        for (String layer : layers) {
            Path path = target.codeDir().resolve(layer).normalize();
            dirs.add((Files.isDirectory(path) ? path : unpacked(path, cache)).toString());
        }
        env.put(VARIABLE, String.join(File.pathSeparator, dirs));
    }

    /** The archive unpacked under {@code cache/<sha256>}: once, atomically, so instances starting together share it. */
    static Path unpacked(Path archive, Path cache) {
        try {
            Path dir = cache.resolve(sha256(archive));
            if (Files.isDirectory(dir)) {
                return dir;
            }
            Files.createDirectories(cache);
            Path partial = Files.createTempDirectory(cache, "unpacking-");
            try {
                unzip(archive, partial);
                // Sandboxed instances run as users of their own and must enter it (createTempDirectory makes it 0700).
                Files.setPosixFilePermissions(partial, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException | RuntimeException e) {
                delete(partial);
                throw e;
            }
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
                delete(partial); // another launch unpacked it meanwhile
            }
            return dir;
        } catch (IOException e) {
            throw new PlatformFault("platform.runtime", "cannot unpack the layer " + archive + ": " + e.getMessage(), e);
        }
    }

    private static void unzip(Path archive, Path into) throws IOException {
        long total = 0;
        int entries = 0;
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
                ZipEntry entry = all.nextElement();
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into) || ++entries > MAX_ENTRIES) {
                    throw UserError.badRequest("upload.invalid", "the layer " + archive.getFileName() + " holds "
                            + (entries > MAX_ENTRIES ? "more than " + MAX_ENTRIES + " files" : "a path outside itself: " + entry.getName()),
                            "rebuild the archive from the layer's directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    // Counted as written: an entry's declared size can lie.
                    total += Files.copy(new Bounded(in, MAX_UNPACKED - total, archive), target);
                }
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Fails once more than {@code left} bytes have been read. */
    private static final class Bounded extends java.io.FilterInputStream {
        private long left;
        private final Path archive;

        Bounded(InputStream in, long left, Path archive) {
            super(in);
            this.left = left;
            this.archive = archive;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            left -= n;
            if (left < 0) {
                throw UserError.tooLarge("upload.too_large", "the layer " + archive.getFileName() + " unpacks to more than "
                        + MAX_UNPACKED / 1_000_000 + " MB, Lambda's limit", "ship less in the layer");
            }
        }
    }
}
