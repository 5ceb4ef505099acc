package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.gateway.AccessLog;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogsTest {

    static final Instant T = Instant.parse("2026-12-03T16:00:00.123Z");

    @TempDir
    Path dir;
    private Home home;

    @AfterEach
    void unlock() {
        if (home != null) {
            home.unlock();
        }
    }

    static AccessLog.Entry entry(String revision, String target, int status, String requestId, long at) {
        return new AccessLog.Entry(at, "shop", revision, "GET", target, status, 1_234_567, 3, 12, requestId,
                new InetSocketAddress("127.0.0.1", 50_000));
    }

    @Test
    void writesOneLineAnEntryWithEveryFieldAndReadsItBackAsJsonFields() {
        String line = AccessLine.format(entry("shop-00001", "/cart?token=secret", 200, "req-1", T.toEpochMilli()));

        assertThat(line).isEqualTo("2026-12-03T16:00:00.123Z shop-00001 GET /cart 200 1.235ms in=3 out=12 id=req-1 client=127.0.0.1");
        assertThat(AccessLine.fields(line)).isEqualTo(Map.of("time", "2026-12-03T16:00:00.123Z", "revision", "shop-00001",
                "method", "GET", "path", "/cart", "status", 200, "durationMs", 1.235, "bytesIn", 3L, "bytesOut", 12L,
                "requestId", "req-1", "client", "127.0.0.1"));
    }

    @Test
    void writesEntriesOffTheCallersThreadIntoTheServicesLogWhichTheFiltersSearch() throws InterruptedException {
        home = Home.prepare(dir.resolve("home"));
        LogHub hub = new LogHub(home);
        BlockingQueue<String> followed = new LinkedBlockingQueue<>();
        hub.followAccess("shop", "shop-00002", LogFilter.ALL, followed::add);
        AccessLogs logs = new AccessLogs(home, 1 << 20, hub);
        logs.record(entry("shop-00001", "/a", 200, "req-1", T.toEpochMilli()));
        logs.record(entry("shop-00002", "/b", 500, "req-2", T.plusSeconds(60).toEpochMilli()));
        logs.record(entry("shop-00002", "/c", 200, "req-3", T.plusSeconds(120).toEpochMilli()));

        assertThat(followed.poll(30, TimeUnit.SECONDS)).contains(" /b 500 ");
        logs.close();  // writes what is queued

        assertThat(hub.accessTail("shop", "", 100, LogFilter.ALL)).hasSize(3);
        assertThat(hub.accessTail("shop", "", 1, LogFilter.ALL)).singleElement().asString().contains(" /c ");
        assertThat(hub.accessTail("shop", "shop-00001", 100, LogFilter.ALL)).singleElement().asString().contains(" /a ");
        assertThat(hub.accessTail("shop", "", 100, LogFilter.of(null, null, "req-2", T)))
                .singleElement().asString().contains(" /b 500 ");
        assertThat(hub.accessTail("shop", "", 100, LogFilter.of(null, " 500 ", null, T))).hasSize(1);
        assertThat(hub.accessTail("shop", "", 100, LogFilter.of(T.plusSeconds(90).toString(), null, null, T)))
                .singleElement().asString().contains(" /c ");
        assertThat(hub.accessTail("other", "", 100, LogFilter.ALL)).isEmpty();
        assertThat(followed).singleElement().asString().contains(" /c ");  // only its revision's lines
    }

    @Test
    void rotatesTheLogAtItsLimitKeepingOneOlderFile() throws Exception {
        home = Home.prepare(dir.resolve("home"));
        AccessLogs logs = new AccessLogs(home, 1024, new LogHub(home));
        for (int i = 0; i < 40; i++) {
            logs.record(entry("shop-00001", "/item/" + i, 200, "req-" + i, T.toEpochMilli()));
            if (i % 10 == 9) {
                awaitWritten(home, "req-" + i);  // one batch at a time, so each can rotate
            }
        }
        logs.close();

        Path file = AccessLogs.file(home, "shop");
        assertThat(file).exists();
        assertThat(file.resolveSibling(AccessLogs.FILE + ".1")).exists();
        assertThat(Files.size(file)).isLessThanOrEqualTo(1024);
        List<String> tail = new LogHub(home).accessTail("shop", "", 100, LogFilter.ALL);
        assertThat(tail.getLast()).contains("id=req-39 ");
        assertThat(tail).noneMatch(l -> l.contains("id=req-0 "));  // rotated away twice
    }

    private static void awaitWritten(Home home, String requestId) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                new LogHub(home).accessTail("shop", "", 1, LogFilter.ALL).stream().anyMatch(l -> l.contains("id=" + requestId + " ")));
    }
}
