package dev.nubo.events;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many events each trigger delivered and dead-lettered, counted in memory and written to the
 * event log about once a second, not with every event: these are statistics, and a crash that
 * forgets a second of them loses no event.
 */
final class TriggerCounts implements AutoCloseable {

    private record Count(AtomicLong delivered, AtomicLong deadLettered) {}

    private final EventLog log;
    private final Vertx vertx;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final long timer;

    TriggerCounts(EventLog log, Vertx vertx) {
        this.log = log;
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(1000, id -> flush());
    }

    void load(String trigger, long delivered, long deadLettered) {
        counts.put(trigger, new Count(new AtomicLong(delivered), new AtomicLong(deadLettered)));
    }

    void forget(String trigger) {
        counts.remove(trigger);
    }

    void countDelivered(String trigger) {
        Count c = counts.get(trigger);
        if (c != null) {
            c.delivered.incrementAndGet();
            dirty.set(true);
        }
    }

    void countDeadLettered(String trigger) {
        Count c = counts.get(trigger);
        if (c != null) {
            c.deadLettered.incrementAndGet();
            dirty.set(true);
        }
    }

    long delivered(String trigger) {
        Count c = counts.get(trigger);
        return c == null ? 0 : c.delivered.get();
    }

    long deadLettered(String trigger) {
        Count c = counts.get(trigger);
        return c == null ? 0 : c.deadLettered.get();
    }

    private void flush() {
        if (!dirty.getAndSet(false)) {
            return;
        }
        Map<String, long[]> snapshot = new java.util.HashMap<>();
        counts.forEach((name, c) -> snapshot.put(name, new long[] {c.delivered.get(), c.deadLettered.get()}));
        log.write(sql -> {
            var st = sql.get("UPDATE triggers SET delivered = ?, dead_lettered = ? WHERE name = ?");
            for (var e : snapshot.entrySet()) {
                st.setLong(1, e.getValue()[0]);
                st.setLong(2, e.getValue()[1]);
                st.setString(3, e.getKey());
                st.addBatch();
            }
            return st.executeBatch();
        }).exceptionally(e -> {
            dirty.set(true); // a full disk, say: try again at the next tick
            return null;
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        flush();
    }
}
