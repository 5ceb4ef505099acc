package dev.nubo.server;

import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.Quantities;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Deployed code, stored by content: the same directory deployed twice is stored once, and a
 * revision's code can never change under it. A stored archive is trusted only while its content has
 * the digest it is stored under.
 *
 * <p>What an archive may unpack to is bounded three ways, each a 4xx naming the limit: the server's
 * code limit ({@code nubo server --code-limit}), a compression ratio (past {@link #RATIO_GRACE}, at
 * most {@link #MAX_RATIO} times the archive's size: ordinary code compresses 3 to 10 times, a zip
 * bomb a thousand), and {@link #MAX_ENTRIES} files. Each is checked on the sizes the archive declares
 * before anything is written, and again on the bytes as they are unpacked, since declared sizes can lie.
 */
final class Artifacts {

    /**
     * 1 GiB: four times AWS Lambda's 250 MB limit for an unzipped package, room for a JVM app with its
     * libraries or a node_modules tree, while a few deploys cannot fill a disk by themselves.
     */
    static final long DEFAULT_CODE_LIMIT = 1L << 30;
    /** Apache POI's zip-bomb threshold (its minimum inflate ratio, 0.01), over the whole archive. */
    static final int MAX_RATIO = 100;
    /** Below this, any ratio: a small archive of very compressible files (a zero-filled data file) does no harm. */
    static final long RATIO_GRACE = 64L << 20;
    static final int MAX_ENTRIES = 200_000;

    private final Home home;
    private final long codeLimit;

    Artifacts(Home home, long codeLimit) {
        this.home = home;
        this.codeLimit = codeLimit;
    }

    /** An archive stored and unpacked. */
    record Stored(String digest, long size, Path codeDir, String descriptorYaml) {}

    /** Takes ownership of an uploaded archive, complete and fsynced: hashes it, keeps it, and unpacks it once. */
    Stored store(Path upload) {
        try {
            long size = Files.size(upload);
            String hex = sha256(upload);
            Path blob = home.blob(hex);
            if (Files.exists(blob) && sha256(blob).equals(hex)) {
                Files.delete(upload);
                // Fresh again, so that collect() leaves it alone until the revision that uses it is recorded.
                Files.setLastModifiedTime(blob, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
            } else {
                // Absent, or a damaged file under this digest (a crash of an older Nubo, a bad disk): the upload replaces it.
                Files.move(upload, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Path code = unpacked(hex, true);
            return new Stored("sha256:" + hex, size, code, descriptor(code));
        } catch (IOException e) {
            throw Disk.fault(home.blobs(), "store the upload", e);
        }
    }

    private static String descriptor(Path code) throws IOException {
        Path yaml = code.resolve(Descriptor.FILE_NAME);
        if (!Files.isRegularFile(yaml)) {
            throw UserError.badRequest("upload.invalid", "the upload has no nubo.yaml at its root",
                    "deploy the directory that holds nubo.yaml: `nubo deploy path/to/dir`");
        }
        long size = Files.size(yaml);
        if (size > Descriptor.MAX_BYTES) {
            throw Descriptor.tooLarge(Quantities.describeBytes(size));
        }
        try {
            return Files.readString(yaml);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw UserError.badRequest("descriptor.invalid", "nubo.yaml is not UTF-8 text",
                    "save nubo.yaml as UTF-8, the encoding YAML files use");
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
        return unpacked(digest.substring(digest.indexOf(':') + 1), false);
    }

    /** @param verified whether the archive's content was just hashed to {@code hex}, as a deploy does */
    private Path unpacked(String hex, boolean verified) {
        Path target = home.code(hex);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path blob = home.blob(hex);
        try {
            if (!verified && !sha256(blob).equals(hex)) {
                throw new PlatformFault("platform.artifacts", "the stored archive " + blob
                        + " is damaged: its content no longer has digest sha256:" + hex, null);
            }
            Path staging = Files.createTempDirectory(home.tmp(), "unpack-");
            try {
                unzip(blob, staging);
                readableByInstances(staging);
            } catch (IOException | RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                deleteTree(staging); // a deploy of the same code unpacked it first
            }
            return target;
        } catch (ZipException e) {
            throw UserError.badRequest("upload.invalid", "the upload is not a valid zip archive: " + e.getMessage(),
                    "deploy with `nubo deploy DIR`, which builds the archive, or send a zip of the directory");
        } catch (IOException e) {
            throw Disk.fault(home.tmp(), "unpack code " + hex, e);
        }
    }

    private void unzip(Path zip, Path into) throws IOException {
        Unpacking limits = new Unpacking(Files.size(zip));
        limits.checkDeclared(zip);
        Set<Path> files = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                limits.entry();
                Path out = into.resolve(e.getName()).normalize();
                if (!out.startsWith(into) || e.getName().startsWith("/")) {
                    throw UserError.badRequest("upload.invalid", "the upload has an unsafe path: " + e.getName(),
                            "archive entries must be relative paths inside the directory");
                }
                String name = into.relativize(out).toString();
                try {
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                        continue;
                    }
                    if (!files.add(out)) {
                        throw UserError.badRequest("upload.invalid", "the upload holds " + name + " twice",
                                "zip the directory once rather than appending to an archive; `nubo deploy DIR` builds one for you");
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(limits.counted(in), out);
                } catch (FileAlreadyExistsException | java.nio.file.NotDirectoryException clash) {
                    String at = clash.getFile() == null ? name : into.relativize(Path.of(clash.getFile())).toString();
                    throw UserError.badRequest("upload.invalid", "the upload holds both a file and a directory named " + at,
                            "a path is either a file or a directory; rename one of them");
                }
                markExecutableIfProgram(out);
            }
        }
        if (limits.entries == 0) {
            throw new ZipException("no entries");
        }
    }

    /** The bounds on one archive's unpacking, and how much of them it has used. */
    private final class Unpacking {
        private final long archive;
        private final long ratioBound;
        private long unpacked;
        private int entries;

        Unpacking(long archive) {
            this.archive = archive;
            long ratio = archive > Long.MAX_VALUE / MAX_RATIO ? Long.MAX_VALUE : archive * MAX_RATIO;
            this.ratioBound = Math.max(RATIO_GRACE, ratio);
        }

        /** By the central directory's sizes, before anything is written. */
        void checkDeclared(Path zip) throws IOException {
            long total = 0;
            int count = 0;
            try (ZipFile z = new ZipFile(zip.toFile())) {
                for (var it = z.entries(); it.hasMoreElements(); ) {
                    ZipEntry e = it.nextElement();
                    if (++count > MAX_ENTRIES) {
                        throw tooManyEntries();
                    }
                    total += Math.max(0, e.getSize());
                    if (e.getName().equals(Descriptor.FILE_NAME) && e.getSize() > Descriptor.MAX_BYTES) {
                        throw Descriptor.tooLarge(Quantities.describeBytes(e.getSize()));
                    }
                }
            }
            if (total > Math.min(codeLimit, ratioBound)) {
                throw over(total, true);
            }
        }

        void entry() {
            if (++entries > MAX_ENTRIES) {
                throw tooManyEntries();
            }
        }

        /** The entry's bytes, counted against the bounds as they are read. */
        InputStream counted(InputStream entry) {
            return new java.io.FilterInputStream(entry) {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0 && (unpacked += n) > Math.min(codeLimit, ratioBound)) {
                        throw over(unpacked, false);
                    }
                    return n;
                }

                @Override
                public void close() {
                    // The zip stream is closed by its owner, not by Files.copy.
                }
            };
        }

        /**
         * The refusal for {@code measured} unpacked bytes: the ratio's when past it (a bomb is not
         * helped by a larger code limit), else the code limit's. Declared sizes are exact; a running
         * count stops at the bound, so it says "more than".
         */
        private UserError over(long measured, boolean exact) {
            if (measured > ratioBound) {
                String to = exact ? Quantities.describeBytes(measured) + ", " + measured / Math.max(1, archive) + " times its size"
                        : "more than " + Quantities.describeBytes(ratioBound) + ", over " + MAX_RATIO + " times its size";
                return UserError.tooLarge("upload.too_compressed", "the upload (" + Quantities.describeBytes(archive)
                                + ") unpacks to " + to + "; past " + Quantities.formatBytes(RATIO_GRACE)
                                + ", Nubo refuses archives that unpack to more than " + MAX_RATIO + " times their size, as zip bombs do",
                        "if the files really are that compressible (zero-filled or generated data), create such files when the"
                                + " service starts instead of deploying them");
            }
            String to = exact ? Quantities.describeBytes(measured) + ", more than" : "more than";
            return UserError.tooLarge("upload.too_large", "the upload unpacks to " + to + " this server's code limit of "
                            + Quantities.formatBytes(codeLimit),
                    "leave build caches, dependencies and data the service does not need out of the directory,"
                            + " or raise the limit with `nubo server --code-limit`");
        }
    }

    private static UserError tooManyEntries() {
        return UserError.tooLarge("upload.too_large", "the upload holds more than " + MAX_ENTRIES + " files",
                "leave build caches and dependencies you do not need out of the directory");
    }

    /**
     * Sandboxed instances run as users of their own, which must read their code: it is made readable
     * (and its directories searchable) by all, which opens it to nobody else, as the home above it is
     * the server's alone and a sandbox shows an instance no code but its own.
     */
    private static void readableByInstances(Path dir) throws IOException {
        try (var tree = Files.walk(dir)) {
            for (Path p : tree.filter(f -> !Files.isSymbolicLink(f)).toList()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
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
}
