package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.store.AuditRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRetentionTest {

    @Test
    void deletesOnlyTheEntriesOlderThanTheWindowAsTheClockMoves(@TempDir Path dir) {
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(start);
        InstantSource clock = now::get;
        try (Store store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")))) {
            for (int day = 0; day < 5; day++) {
                store.audit().append(new AuditRecord(start.plus(Duration.ofDays(day)), "ci", "POST", "/v1/deployments", "/v1/deployments",
                        "127.0.0.1", 201));
            }
            AuditRetention retention = new AuditRetention(store.audit(), Duration.ofDays(2), clock);

            now.set(start.plus(Duration.ofDays(4)));
            assertThat(retention.prune()).as("days 0 and 1 are older than two days at day 4").isEqualTo(2);
            assertThat(store.audit().since(Instant.EPOCH, 100)).extracting(AuditRecord::at)
                    .containsExactly(start.plus(Duration.ofDays(2)), start.plus(Duration.ofDays(3)), start.plus(Duration.ofDays(4)));
            assertThat(retention.prune()).as("nothing more until the clock moves").isZero();

            now.set(start.plus(Duration.ofDays(6)).plusSeconds(1));
            assertThat(retention.prune()).isEqualTo(3);
            assertThat(store.audit().since(Instant.EPOCH, 100)).isEmpty();
        }
    }

    @Test
    void refusesAWindowThatIsNotPositive(@TempDir Path dir) {
        try (Store store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")))) {
            assertThatThrownBy(() -> new AuditRetention(store.audit(), Duration.ZERO, InstantSource.system()))
                    .hasMessage("the audit retention must be positive, such as 90d (got PT0S)");
        }
    }
}
