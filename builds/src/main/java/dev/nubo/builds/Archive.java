package dev.nubo.builds;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What a deploy uploads, zipped. The zip is reproducible: entries sorted by path, every timestamp
 * 1980-01-01, no directory entries, so the same files give the same bytes and the server's digest
 * changes only when the code does. Which files go in is {@link Project}'s choice (its build's
 * defaults and {@code .nuboignore}).
 *
 * <p>Zip entries written by java.util.zip carry no Unix mode, so the executable bit is lost (the
 * server sets it again on files that start with {@code #!} and on ELF binaries).
 *
 * @param entries how many files it holds
 * @param skipped what was left out for what it is, not for a rule: links out of the directory, devices
 */
public record Archive(Path file, long size, int entries, List<String> skipped) implements AutoCloseable {

    private static final LocalDateTime EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    public Archive {
        skipped = List.copyOf(skipped);
    }

    /** Zips {@code files} into a temporary file that {@link #close()} deletes. */
    static Archive of(SourceFiles files) throws IOException {
        Path zip = Files.createTempFile("nubo-deploy-", ".zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (var e : files.files().entrySet()) {
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
        return new Archive(zip, Files.size(zip), files.files().size(), files.skipped());
    }

    /** The zip's SHA-256 in hex, as the server's content address of it. */
    public String sha256() {
        try (var in = Files.newInputStream(file)) {
            var sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
