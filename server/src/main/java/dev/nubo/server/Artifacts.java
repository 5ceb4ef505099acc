package dev.nubo.server;

import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Deployed code, stored by content: the same directory deployed twice is stored once, and a
 * revision's code can never change under it.
 */
final class Artifacts {

    /** Guards against archives that expand without bound. */
    static final long MAX_UNPACKED_BYTES = 4L << 30;
    static final int MAX_ENTRIES = 200_000;

    private final Home home;

    Artifacts(Home home) {
        this.home = home;
    }

    /** An archive stored and unpacked. */
    record Stored(String digest, long size, Path codeDir, String descriptorYaml) {}

    /** Takes ownership of an uploaded archive: hashes it, keeps it, and unpacks it once. */
    Stored store(Path upload) {
        try {
            long size = Files.size(upload);
            String hex = sha256(upload);
            Path blob = home.blob(hex);
            if (Files.exists(blob)) {
                Files.delete(upload);
            } else {
                Files.move(upload, blob, StandardCopyOption.ATOMIC_MOVE);
            }
            Path code = unpacked(hex);
            Path yaml = code.resolve(Descriptor.FILE_NAME);
            if (!Files.isRegularFile(yaml)) {
                throw UserError.badRequest("upload.invalid", "the upload has no nubo.yaml at its root",
                        "deploy the directory that holds nubo.yaml: `nubo deploy path/to/dir`");
            }
            return new Stored("sha256:" + hex, size, code, Files.readString(yaml));
        } catch (IOException e) {
            throw new PlatformFault("platform.artifacts", "cannot store the upload: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the archives, and their unpacked code, that no revision refers to any more. Only files
     * older than {@code olderThan} go: a deploy stores its archive a moment before it records the
     * revision, and that archive must survive the moment.
     *
     * @return how many archives were deleted
     */
    int collect(Set<String> referencedDigests, java.time.Instant olderThan) {
        int deleted = 0;
        try (Stream<Path> blobs = Files.list(home.blobs())) {
            for (Path blob : blobs.toList()) {
                String hex = blob.getFileName().toString().replaceFirst("\\.zip$", "");
                if (referencedDigests.contains("sha256:" + hex)
                        || Files.getLastModifiedTime(blob).toInstant().isAfter(olderThan)) {
                    continue;
                }
                deleteTree(home.code(hex));
                Files.deleteIfExists(blob);
                deleted++;
            }
        } catch (IOException e) {
            throw new PlatformFault("platform.artifacts", "cannot collect unused code: " + e.getMessage(), e);
        }
        return deleted;
    }

    /** Where a revision's code is, unpacking it again if the directory was removed. */
    Path codeDir(String digest) {
        return unpacked(digest.substring(digest.indexOf(':') + 1));
    }

    private Path unpacked(String hex) {
        Path target = home.code(hex);
        if (Files.isDirectory(target)) {
            return target;
        }
        try {
            Path staging = Files.createTempDirectory(home.tmp(), "unpack-");
            try {
                unzip(home.blob(hex), staging);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                deleteTree(staging);
            } catch (IOException | RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
            return target;
        } catch (ZipException e) {
            throw UserError.badRequest("upload.invalid", "the upload is not a valid zip archive: " + e.getMessage(),
                    "deploy with `nubo deploy DIR`, which builds the archive, or send a zip of the directory");
        } catch (IOException e) {
            throw new PlatformFault("platform.artifacts", "cannot unpack code " + hex + ": " + e.getMessage(), e);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        long total = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) {
                    throw tooBig("more than " + MAX_ENTRIES + " files");
                }
                Path out = into.resolve(e.getName()).normalize();
                if (!out.startsWith(into) || e.getName().startsWith("/")) {
                    throw UserError.badRequest("upload.invalid", "the upload has an unsafe path: " + e.getName(),
                            "archive entries must be relative paths inside the directory");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                total += Files.copy(new Bounded(in, MAX_UNPACKED_BYTES - total), out);
                markExecutableIfProgram(out);
            }
        }
        if (entries == 0) {
            throw new ZipException("no entries");
        }
    }

    /**
     * Zip archives made by the JDK carry no file modes, so scripts and binaries lose their execute
     * bit in transit. A file that starts like a program (a {@code #!} line or an ELF header) gets it back.
     */
    private static void markExecutableIfProgram(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        boolean shebang = n >= 2 && head[0] == '#' && head[1] == '!';
        boolean elf = n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        if (shebang || elf) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(file, perms);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a leftover temporary directory is harmless.
        }
    }

    private static UserError tooBig(String what) {
        return UserError.tooLarge("upload.too_large", "the upload unpacks to " + what,
                "leave build caches and dependencies you do not need out of the directory");
    }

    /** Stops reading once an entry would push the unpacked total past the limit. */
    private static final class Bounded extends java.io.FilterInputStream {
        private long left;

        Bounded(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (left -= n) < 0) {
                throw tooBig("more than " + (MAX_UNPACKED_BYTES >> 30) + " GiB");
            }
            return n;
        }

        @Override
        public void close() {
            // The zip stream is closed by its owner, not by Files.copy.
        }
    }
}
