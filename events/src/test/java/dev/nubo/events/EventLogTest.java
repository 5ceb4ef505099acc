package dev.nubo.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.PlatformFault;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log's writer against a real {@code SQLITE_FULL}: SQLite's {@code max_page_count} stops the
 * file from growing, which is what a full disk does to it.
 */
class EventLogTest {

    @TempDir
    Path dir;
    EventLog log;

    @BeforeEach
    void open() {
        log = EventLog.sqlite(dir.resolve("events.db"));
    }

    @AfterEach
    void close() {
        log.close();
    }

    /** Caps the writer's file at its present size: the next write that needs a new page fails with SQLITE_FULL. */
    private void fill() {
        log.write(sql -> {
            try (var s = sql.connection().createStatement()) {
                long pages;
                try (ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                    pages = rs.getLong(1);
                }
                s.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        }).join();
    }

    private CompletableFuture<Integer> insert(String origin, int bytes) {
        return log.write(sql -> {
            var st = sql.get("INSERT INTO dead_letters (origin, target, payload, attempts, reason, dead_at) VALUES (?, 't', ?, 0, 'r', 'now')");
            st.setString(1, origin);
            st.setBytes(2, new byte[bytes]);
            return st.executeUpdate();
        });
    }

    private int rows(String origin) {
        return log.read(sql -> {
            var st = sql.get("SELECT count(*) FROM dead_letters WHERE origin = ?");
            st.setString(1, origin);
            try (ResultSet rs = st.executeQuery()) {
                return rs.getInt(1);
            }
        });
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("the write succeeded");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aFullDiskFailsTheWriteAsInsufficientStorageAndTheNextWriteWorksOnceThereIsRoom() {
        fill();

        Throwable full = cause(insert("full", 64 << 10));
        assertThat(full).isInstanceOf(PlatformFault.class);
        PlatformFault fault = (PlatformFault) full;
        assertThat(fault.httpStatus()).isEqualTo(507);
        assertThat(fault.code()).isEqualTo("platform.disk_full");
        assertThat(fault.getMessage()).startsWith("the event log's disk is full, so nothing of this was stored: "
                + dir.resolve("events.db") + " is on ").contains(" free of ");
        assertThat(fault.hint())
                .isEqualTo("free space on that disk, then send again: Nubo resumes by itself once there is room, without a restart");

        fill(); // on the writer's new connection: the disk is still full
        assertThat(cause(insert("full", 64 << 10))).as("still full: the same answer, not a wedged writer")
                .isInstanceOf(PlatformFault.class).hasMessageStartingWith("the event log's disk is full");

        // Room again: the writer opened a new connection after the failure, and the cap was on the old one.
        assertThat(insert("after", 64 << 10).join()).isEqualTo(1);
        assertThat(rows("full")).as("the write that was refused was not stored").isZero();
        assertThat(rows("after")).isEqualTo(1);
    }

    @Test
    void aUnitThatFillsTheDiskFailsAloneWhenTheRestOfItsBatchFits() {
        fill();
        // Queued together, so they share one batch: the small one fits in the page the table already has room in.
        CompletableFuture<Integer> big = insert("big", 256 << 10);
        CompletableFuture<Integer> small = insert("small", 10);

        assertThat(cause(big)).isInstanceOf(PlatformFault.class).hasMessageStartingWith("the event log's disk is full");
        assertThat(small.join()).isEqualTo(1);
        assertThat(rows("big")).isZero();
        assertThat(rows("small")).isEqualTo(1);
    }

    @Test
    void anErrorThrownByAUnitFailsThatUnitAndTheWriterCarriesOn() {
        CompletableFuture<Object> broken = log.write(sql -> {
            throw new NoClassDefFoundError("io/cloudevents/jackson/JsonFormat");
        });

        assertThat(cause(broken)).isInstanceOf(NoClassDefFoundError.class);
        assertThat(insert("after", 10).join()).isEqualTo(1);
    }

    @Test
    void aUnitsOwnSqlErrorFailsItWithoutTouchingTheOthers() {
        CompletableFuture<Object> bad = log.write(sql -> sql.get("INSERT INTO nowhere VALUES (1)").executeUpdate());
        CompletableFuture<Integer> good = insert("good", 10);

        assertThatThrownBy(bad::join).hasCauseInstanceOf(PlatformFault.class).hasMessageContaining("no such table: nowhere");
        assertThat(good.join()).isEqualTo(1);
        assertThat(((PlatformFault) cause(bad)).httpStatus()).isEqualTo(500);
    }

    @Test
    void sqlExceptionsOtherThanFullAreNotReportedAsAFullDisk() {
        assertThat(DiskFull.is(new SQLException("[SQLITE_CONSTRAINT] constraint failed", null, 19))).isFalse();
        assertThat(DiskFull.is(new SQLException("[SQLITE_FULL] database or disk is full", null, 13))).isTrue();
    }
}
