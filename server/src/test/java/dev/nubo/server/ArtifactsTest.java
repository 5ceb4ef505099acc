package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        Artifacts artifacts = new Artifacts(home);

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
        Artifacts artifacts = new Artifacts(Home.prepare(dir.resolve("home")));
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
        Artifacts artifacts = new Artifacts(Home.prepare(dir.resolve("home")));

        Artifacts.Stored stored = artifacts.store(zip(Map.of("nubo.yaml", YAML, "run.sh", "#!/bin/sh\n", "data.txt", "plain")));

        assertThat(stored.codeDir().resolve("run.sh")).isExecutable();
        assertThat(Files.isExecutable(stored.codeDir().resolve("data.txt"))).isFalse();
    }

    @Test
    void refusesPathsThatLeaveTheDirectory() throws IOException {
        Artifacts artifacts = new Artifacts(Home.prepare(dir.resolve("home")));

        assertThatThrownBy(() -> artifacts.store(zip(Map.of("nubo.yaml", YAML, "../../evil.sh", "#!/bin/sh\n"))))
                .isInstanceOf(UserError.class)
                .hasMessage("the upload has an unsafe path: ../../evil.sh");
        assertThat(dir.resolve("evil.sh")).doesNotExist();
        assertThat(dir.resolve("home/evil.sh")).doesNotExist();
    }

    @Test
    void explainsAnUploadThatIsNotAZipOrHasNoDescriptor() throws IOException {
        Artifacts artifacts = new Artifacts(Home.prepare(dir.resolve("home")));
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
