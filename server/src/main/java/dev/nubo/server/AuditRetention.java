package dev.nubo.server;

import dev.nubo.store.AuditLog;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the audit log to a window ({@code nubo server --audit-retention}, 90 days by default): entries
 * older than the window are deleted at start and then every {@link #EVERY}. On a cluster every node
 * prunes the one shared log; the deletes are idempotent, so that costs a cheap indexed query each.
 */
final class AuditRetention {

    static final Duration DEFAULT = Duration.ofDays(90);
    /** How often the log is pruned: entries outlive the window by at most this. */
    static final Duration EVERY = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditLog audit;
    private final Duration retention;
    private final InstantSource clock;

    AuditRetention(AuditLog audit, Duration retention, InstantSource clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the audit retention must be positive, such as 90d (got " + retention + ")");
        }
        this.audit = audit;
        this.retention = retention;
        this.clock = clock;
    }

    /** Prunes now and every {@link #EVERY} on {@code vertx}'s worker threads, never on an event loop. */
    static void start(io.vertx.core.Vertx vertx, AuditRetention retention) {
        java.util.concurrent.Callable<Integer> prune = () -> {
            try {
                return retention.prune();
            } catch (RuntimeException e) {  // a database that is down now may be up at the next hour
                LOG.warn("could not prune the audit log: {}", e.getMessage());
                return 0;
            }
        };
        vertx.executeBlocking(prune, false);
        vertx.setPeriodic(EVERY.toMillis(), id -> vertx.executeBlocking(prune, false));
    }

    /** Deletes the entries older than the window as of now; returns how many. Blocks on the database. */
    int prune() {
        int deleted = audit.deleteBefore(clock.instant().minus(retention));
        if (deleted > 0) {
            LOG.info("deleted {} audit entries older than {} days", deleted, retention.toDays());
        }
        return deleted;
    }
}
