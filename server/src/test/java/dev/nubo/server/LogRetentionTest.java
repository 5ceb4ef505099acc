package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {

    static final Instant NOW = Instant.parse("2026-12-03T16:00:00Z");

    @TempDir
    Path logs;

    private Path file(String name, Duration age) throws Exception {
        Path f = logs.resolve("shop").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "2026-11-20T00:00:00.000Z stdout a line\n");
        Files.setLastModifiedTime(f, FileTime.from(NOW.minus(age)));
        return f;
    }

    @Test
    void deletesLogsWhoseNewestLineIsOlderThanTheRetentionButNotALiveInstancesCurrentLog() throws Exception {
        Path gone = file("shop-00001-aaaaa.log", Duration.ofDays(8));
        Path goneRotated = file("shop-00001-aaaaa.log.1", Duration.ofDays(9));
        Path live = file("shop-00002-bbbbb.log", Duration.ofDays(8));
        Path liveRotated = file("shop-00002-bbbbb.log.1", Duration.ofDays(8));
        Path recent = file("shop-00002-ccccc.log", Duration.ofDays(6));
        Path access = file("access.txt", Duration.ofDays(7).plusSeconds(1));
        Path accessRotated = file("access.txt.1", Duration.ofDays(30));

        LogRetention retention = new LogRetention(logs, Duration.ofDays(7), "shop-00002-bbbbb"::equals);

        assertThat(retention.prune(NOW)).containsExactlyInAnyOrder(gone, goneRotated, liveRotated, access, accessRotated);
        assertThat(live).exists();
        assertThat(recent).exists();
        assertThat(gone).doesNotExist();
        assertThat(retention.prune(NOW)).isEmpty();
    }

    @Test
    void prunesOnItsClockFromTheStart() throws Exception {
        Path written = file("shop-00001-aaaaa.log", Duration.ZERO);
        try (LogRetention retention = new LogRetention(logs, Duration.ofDays(7), id -> false)
                .start(InstantSource.fixed(NOW.plus(Duration.ofDays(7)).plusSeconds(1)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(written));
        }
    }

    @Test
    void keepsEverythingWhenOffAndReadsAgesInDaysHoursOrMinutes() throws Exception {
        Path old = file("shop-00001-aaaaa.log", Duration.ofDays(365));
        try (LogRetention retention = new LogRetention(logs, Duration.ZERO, id -> false).start(InstantSource.fixed(NOW))) {
            assertThat(old).exists();  // started without a timer: nothing would ever delete it
        }
        assertThat(LogRetention.parse("7d")).contains(Duration.ofDays(7));
        assertThat(LogRetention.parse("24h")).contains(Duration.ofHours(24));
        assertThat(LogRetention.parse("90m")).contains(Duration.ofMinutes(90));
        assertThat(LogRetention.parse("off")).contains(Duration.ZERO);
        assertThat(LogRetention.parse("30s")).isEmpty();
        assertThat(LogRetention.parse("a week")).isEqualTo(Optional.empty());
    }
}
