package dev.nubo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What `nubo dev` sees change: saved sources, in one batch per burst, and never what builds write. */
@Timeout(30)
class SourceWatchTest {

    @TempDir
    Path dir;

    @Test
    void reportsSavedFilesOnceTheBurstEndsButNotWhatBuildsOrEditorsWrite() throws Exception {
        Files.createDirectories(dir.resolve("src/main"));
        Files.createDirectories(dir.resolve("target/classes"));
        try (SourceWatch watch = new SourceWatch(dir)) {
            CompletableFuture<Set<Path>> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return watch.next();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Files.writeString(dir.resolve("target/classes/A.class"), "built");
            Files.writeString(dir.resolve("src/main/.A.java.swp"), "vim");
            Files.writeString(dir.resolve("src/main/A.java"), "class A {}");
            Files.createDirectories(dir.resolve("src/main/pkg"));
            Files.writeString(dir.resolve("src/main/pkg/B.java"), "class B {}");

            assertThat(next.get(10, TimeUnit.SECONDS)).contains(Path.of("src/main/A.java"))
                    .doesNotContain(Path.of("target/classes/A.class"), Path.of("src/main/.A.java.swp"));
        }
    }

    @Test
    void toldApartEditorFilesFromSources() {
        assertThat(SourceWatch.worthWatching("Hello.java")).isTrue();
        assertThat(SourceWatch.worthWatching("Hello.java~")).isFalse();
        assertThat(SourceWatch.worthWatching(".#Hello.java")).isFalse();
        assertThat(SourceWatch.worthWatching("4913")).isFalse();
        assertThat(SourceWatch.worthWatching("node_modules")).isFalse();
    }
}
