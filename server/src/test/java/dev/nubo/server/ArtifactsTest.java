package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactsTest {

    @TempDir
    Path dir;

    static final String YAML = "name: shop\nruntime: process\ncommand: [./run.sh]\n";

    @Test
    void storesTheSameCodeOnceByContent() throws IOException {
        Home home = Home.prepare(dir.resolve("home"));
        Artifacts artifacts = new Artifacts(home, Artifacts.DEFAULT_CODE_LIMIT);

        Artifacts.Stored first = artifacts.store(zip(Map.of("nubo.yaml", YAML, "run.sh", "#!/bin/sh\necho hi\n")));
        Artifacts.Stored second = artifacts.store(zip(Map.of("nubo.yaml", YAML, "run.sh", "#!/bin/sh\necho hi\n")));

        assertThat(second.digest()).isEqualTo(first.digest()).startsWith("sha256:");
        assertThat(second.codeDir()).isEqualTo(first.codeDir());
        assertThat(first.descriptorYaml()).isEqualTo(YAML);
        try (var blobs = Files.list(dir.resolve("home/blobs/sha256"))) {
            assertThat(blobs.count()).isEqualTo(1);
        }
        assertThat(Files.readString(first.codeDir().resolve("run.sh"))).contains("echo hi");
    }

    @Test
    void collectsOnlyOldCodeThatNoRevisionRefersTo() throws IOException {
        Artifacts artifacts = artifacts();
        Artifacts.Stored kept = artifacts.store(zip(Map.of("nubo.yaml", YAML, "v", "1")));
        Artifacts.Stored unused = artifacts.store(zip(Map.of("nubo.yaml", YAML, "v", "2")));
        java.time.Instant now = java.time.Instant.now();

        assertThat(artifacts.collect(java.util.Set.of(kept.digest()), now.minusSeconds(600))).isZero();
        assertThat(artifacts.collect(java.util.Set.of(kept.digest()), now.plusSeconds(1))).isEqualTo(1);

        assertThat(unused.codeDir()).doesNotExist();
        assertThat(kept.codeDir()).isDirectory();
        try (var blobs = Files.list(dir.resolve("home/blobs/sha256"))) {
            assertThat(blobs.toList()).singleElement().satisfies(b -> assertThat(kept.digest()).endsWith(
                    b.getFileName().toString().replace(".zip", "")));
        }
    }

    @Test
    void givesScriptsTheirExecuteBitBack() throws IOException {
        Artifacts artifacts = artifacts();

        Artifacts.Stored stored = artifacts.store(zip(Map.of("nubo.yaml", YAML, "run.sh", "#!/bin/sh\n", "data.txt", "plain")));

        assertThat(stored.codeDir().resolve("run.sh")).isExecutable();
        assertThat(Files.isExecutable(stored.codeDir().resolve("data.txt"))).isFalse();
    }

    @Test
    void refusesPathsThatLeaveTheDirectory() throws IOException {
        Artifacts artifacts = artifacts();

        assertThatThrownBy(() -> artifacts.store(zip(Map.of("nubo.yaml", YAML, "../../evil.sh", "#!/bin/sh\n"))))
                .isInstanceOf(UserError.class)
                .hasMessage("the upload has an unsafe path: ../../evil.sh");
        assertThat(dir.resolve("evil.sh")).doesNotExist();
        assertThat(dir.resolve("home/evil.sh")).doesNotExist();
    }

    @Test
    void explainsAnUploadThatIsNotAZipOrHasNoDescriptor() throws IOException {
        Artifacts artifacts = artifacts();
        Path text = Files.writeString(dir.resolve("upload.zip"), "this is not a zip archive at all");

        assertThatThrownBy(() -> artifacts.store(text))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.getMessage()).startsWith("the upload is not a valid zip archive");
                    assertThat(e.hint()).contains("nubo deploy DIR");
                });
        assertThatThrownBy(() -> artifacts.store(zip(Map.of("app.py", "print(1)"))))
                .isInstanceOf(UserError.class)
                .hasMessage("the upload has no nubo.yaml at its root");
    }

    @Test
    void saysWhatIsWrongWithAnArchiveThatHoldsAFileTwice() throws IOException {
        Path twice = zipEntries(List.of(Map.entry("nubo.yaml", YAML), Map.entry("nubo.yaml", YAML)));

        assertThatThrownBy(() -> artifacts().store(twice))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("the upload holds nubo.yaml twice");
                    assertThat(e.hint()).contains("nubo deploy DIR");
                });
        assertThatThrownBy(() -> artifacts().store(zipEntries(List.of(Map.entry("nubo.yaml", YAML), Map.entry("lib", "x"),
                Map.entry("lib/a.js", "y")))))
                .isInstanceOf(UserError.class)
                .hasMessage("the upload holds both a file and a directory named lib");
    }

    @Test
    void refusesCodeOverTheServersLimitByTheSizesTheArchiveDeclares() throws IOException {
        Artifacts artifacts = new Artifacts(Home.prepare(dir.resolve("home")), 1L << 20);
        Path big = zip(Map.of("nubo.yaml", YAML, "data.bin", random(700 << 10), "more.bin", random(700 << 10)));

        assertThatThrownBy(() -> artifacts.store(big))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.code()).isEqualTo("upload.too_large");
                    assertThat(e.getMessage()).isEqualTo("the upload unpacks to 1.4 MiB, more than this server's code limit of 1Mi");
                    assertThat(e.hint()).contains("--code-limit");
                });
        try (var code = Files.list(dir.resolve("home/code"))) {
            assertThat(code.toList()).isEmpty();
        }
    }

    @Test
    void refusesAZipBombByItsCompressionRatioBeforeWritingIt() throws IOException {
        Path bomb = zip(Map.of("nubo.yaml", YAML), "zeros.bin", 200L << 20);
        long size = Files.size(bomb);

        assertThatThrownBy(() -> artifacts().store(bomb))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.code()).isEqualTo("upload.too_compressed");
                    assertThat(e.getMessage()).isEqualTo("the upload (" + Quantities.describeBytes(size)
                            + ") unpacks to 200.0 MiB, " + (200L << 20) / size + " times its size; past 64Mi, Nubo refuses"
                            + " archives that unpack to more than 100 times their size, as zip bombs do");
                    assertThat(e.hint()).contains("create such files when the service starts");
                });
        try (var tmp = Files.list(dir.resolve("home/tmp"))) {
            assertThat(tmp.toList()).as("nothing left half unpacked").isEmpty();
        }
    }

    @Test
    void stopsUnpackingABombWhoseHeadersUnderstateItsSize() throws IOException {
        Path bomb = zip(Map.of("nubo.yaml", YAML), "zeros.bin", 200L << 20);
        lieAboutSizes(bomb);
        long size = Files.size(bomb);

        assertThatThrownBy(() -> artifacts().store(bomb))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.code()).isEqualTo("upload.too_compressed");
                    assertThat(e.getMessage()).startsWith("the upload (" + Quantities.describeBytes(size)
                            + ") unpacks to more than 64.0 MiB, ");
                });
    }

    @Test
    void refusesADescriptorOverItsLimitBeforeReadingIt() throws IOException {
        Path huge = zip(Map.of("nubo.yaml", YAML + "env:\n  X: " + "x".repeat(50 << 20) + "\n"));

        assertThatThrownBy(() -> artifacts().store(huge))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("nubo.yaml is 50.0 MiB, more than the limit of 64Ki");
                });
    }

    @Test
    void neverTrustsAStoredArchiveWhoseContentDoesNotMatchItsDigest() throws Exception {
        Home home = Home.prepare(dir.resolve("home"));
        Artifacts artifacts = new Artifacts(home, Artifacts.DEFAULT_CODE_LIMIT);
        Path upload = zip(Map.of("nubo.yaml", YAML, "run.sh", "#!/bin/sh\n"));
        byte[] good = Files.readAllBytes(upload);
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(good));
        Files.write(home.blob(hex), java.util.Arrays.copyOf(good, good.length / 2)); // a truncated file under the right name

        Artifacts.Stored stored = artifacts.store(upload);

        assertThat(stored.digest()).isEqualTo("sha256:" + hex);
        assertThat(home.blob(hex)).hasBinaryContent(good);
        assertThat(stored.codeDir().resolve("run.sh")).exists();

        Files.write(home.blob(hex), "damaged".getBytes(StandardCharsets.UTF_8));
        Artifacts.deleteTree(home.code(hex));
        assertThatThrownBy(() -> artifacts.codeDir(stored.digest()))
                .isInstanceOf(dev.nubo.model.PlatformFault.class)
                .hasMessage("the stored archive " + home.blob(hex) + " is damaged: its content no longer has digest sha256:" + hex);
    }

    private Artifacts artifacts;

    /** One per test: a home is locked by whoever prepared it, as a running server holds its own. */
    private Artifacts artifacts() {
        if (artifacts == null) {
            artifacts = new Artifacts(Home.prepare(dir.resolve("home")), Artifacts.DEFAULT_CODE_LIMIT);
        }
        return artifacts;
    }

    private static String random(int bytes) {
        // Letters are not compressible enough to look like a bomb, and are valid UTF-8 for the map of names to text.
        java.util.Random r = new java.util.Random(bytes);
        StringBuilder sb = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) {
            sb.append((char) ('!' + r.nextInt(90)));
        }
        return sb.toString();
    }

    /** A zip of {@code files} and one entry of {@code zeros} zero bytes, deflated: about a thousandth of its size. */
    private Path zip(Map<String, String> files, String name, long zeros) throws IOException {
        Path zip = zip(files);
        Path out = Files.createTempFile(dir, "bomb-", ".zip");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip));
             ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                z.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(z);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry(name));
            byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) {
                z.write(block, 0, (int) Math.min(block.length, left));
            }
            z.closeEntry();
        }
        return out;
    }

    /**
     * Rewrites every central-directory size to 1 byte, as a crafted bomb would: the declared sizes
     * pass, so only the running count while unpacking stops it. (ZipOutputStream writes sizes in data
     * descriptors, which ZipInputStream checks only after an entry is read.)
     */
    private static void lieAboutSizes(Path zip) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        for (int i = 0; i + 46 <= b.length; i++) {
            if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 0x01 && b[i + 3] == 0x02) {
                b[i + 24] = 1; b[i + 25] = 0; b[i + 26] = 0; b[i + 27] = 0;
            }
        }
        Files.write(zip, b);
    }

    /** Entries in this order, names repeated as given: ZipOutputStream refuses a name twice, an appended archive does not. */
    private Path zipEntries(List<Map.Entry<String, String>> entries) throws IOException {
        Path zip = Files.createTempFile(dir, "upload-", ".zip");
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (var f : entries) {
                String name = f.getKey();
                z.putNextEntry(new ZipEntry(seen.add(name) ? name : name.substring(0, name.length() - 1) + "\u0001"));
                z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        String bytes = new String(Files.readAllBytes(zip), StandardCharsets.ISO_8859_1);
        for (String name : seen) {
            bytes = bytes.replace(name.substring(0, name.length() - 1) + "\u0001", name);
        }
        return Files.write(zip, bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    private Path zip(Map<String, String> files) throws IOException {
        Path zip = Files.createTempFile(dir, "upload-", ".zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (var f : new LinkedHashMap<>(new java.util.TreeMap<>(files)).entrySet()) {
                ZipEntry e = new ZipEntry(f.getKey());
                e.setTime(315532800000L);
                z.putNextEntry(e);
                z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }
}
