package dev.nubo.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {

    @TempDir
    Path dir;

    @Test
    void zipsEveryFileUnderItsRelativePathInSortedOrder() throws IOException {
        write("nubo.yaml", "name: hello\n");
        write("src/b.py", "b");
        write("src/a.py", "a");
        write("README", "r");

        try (Archive archive = zip()) {
            Map<String, String> entries = unzip(Files.readAllBytes(archive.file()));
            assertThat(entries.keySet()).containsExactly("README", "nubo.yaml", "src/a.py", "src/b.py");
            assertThat(entries).containsEntry("src/a.py", "a").containsEntry("nubo.yaml", "name: hello\n");
            assertThat(archive.entries()).isEqualTo(4);
            assertThat(archive.size()).isEqualTo(Files.size(archive.file()));
        }
    }

    @Test
    void leavesOutGitAndNuboDirectoriesAtAnyDepth() throws IOException {
        write("nubo.yaml", "name: hello\n");
        write(".git/config", "[core]");
        write(".nubo/state", "x");
        write("lib/.git/HEAD", "ref");
        write("lib/keep.txt", "k");
        write(".gitignore", "target/");

        try (Archive archive = zip()) {
            assertThat(unzip(Files.readAllBytes(archive.file())).keySet())
                    .containsExactly(".gitignore", "lib/keep.txt", "nubo.yaml");
        }
    }

    @Test
    void sameTreeGivesSameBytesWhateverTheTimestamps() throws IOException {
        write("nubo.yaml", "name: hello\n");
        write("src/app.py", "print('hi')");
        byte[] first;
        try (Archive archive = zip()) {
            first = Files.readAllBytes(archive.file());
        }
        Files.setLastModifiedTime(dir.resolve("src/app.py"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

        try (Archive archive = zip()) {
            assertThat(Files.readAllBytes(archive.file())).isEqualTo(first);
        }
        try (var zip = new ZipInputStream(new ByteArrayInputStream(first))) {
            ZipEntry entry = zip.getNextEntry();
            assertThat(entry.getTimeLocal()).isEqualTo(LocalDateTime.of(1980, 1, 1, 0, 0));
        }
    }

    @Test
    void storesLinksInsideAsFilesAndSkipsLinksLeadingOut(@TempDir Path outside) throws IOException {
        write("nubo.yaml", "name: hello\n");
        write("real.txt", "inside");
        Files.writeString(outside.resolve("secret"), "outside");
        Files.createSymbolicLink(dir.resolve("alias.txt"), dir.resolve("real.txt"));
        Files.createSymbolicLink(dir.resolve("leak"), outside.resolve("secret"));
        Files.createSymbolicLink(dir.resolve("up"), outside);

        try (Archive archive = zip()) {
            Map<String, String> entries = unzip(Files.readAllBytes(archive.file()));
            assertThat(entries.keySet()).containsExactly("alias.txt", "nubo.yaml", "real.txt");
            assertThat(entries).containsEntry("alias.txt", "inside");
            assertThat(archive.skipped()).containsExactly(
                    "leak (a link that leads out of the directory)", "up (a link that leads out of the directory)");
        }
    }

    @Test
    void deletesItsTemporaryFileOnClose() throws IOException {
        write("nubo.yaml", "name: hello\n");
        Path file;
        try (Archive archive = zip()) {
            file = archive.file();
            assertThat(file).exists();
        }
        assertThat(file).doesNotExist();
    }

    /** As a project without a build zips it: with the rules every upload has. */
    private Archive zip() throws IOException {
        return Archive.of(SourceFiles.collect(dir, IgnoreRules.parse(String.join("\n", Project.ALWAYS_IGNORED))));
    }

    static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), new String(in.readAllBytes()));
            }
        }
        return entries;
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
