package dev.nubo.events;

import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;

/**
 * Delivery ids, unique across every node that shares the event log and across restarts, without a
 * database round trip per event: each event log opened takes a block of 2^32 ids ({@code id_blocks}:
 * one increment, atomic in either database) and hands them out from memory. When a block is three
 * quarters used (after about three days at 16,000 events a second), the next one is fetched in the
 * background, so the event path never waits for it.
 */
final class Ids {

    static final int BLOCK_BITS = 32;

    private final EventLog log;
    private long next;
    private long end;
    private long refillAt;
    private CompletableFuture<Long> nextBlock;

    private Ids(EventLog log, long block) {
        this.log = log;
        use(block);
    }

    /** Takes a block from {@code log}, blocking. */
    static Ids take(EventLog log) {
        return new Ids(log, block(log).join());
    }

    synchronized long next() {
        if (next == refillAt && nextBlock == null) {
            nextBlock = block(log);
        }
        if (next == end) {
            use(nextBlock.join()); // only if a whole quarter block went by while the database did not answer
            nextBlock = null;
        }
        return next++;
    }

    private void use(long block) {
        next = block << BLOCK_BITS;
        end = (block + 1) << BLOCK_BITS;
        refillAt = next + (3L << (BLOCK_BITS - 2));
    }

    private static CompletableFuture<Long> block(EventLog log) {
        return log.write(sql -> {
            sql.get("UPDATE id_blocks SET last = last + 1 WHERE name = 'deliveries'").executeUpdate();
            try (ResultSet rs = sql.get("SELECT last FROM id_blocks WHERE name = 'deliveries'").executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
