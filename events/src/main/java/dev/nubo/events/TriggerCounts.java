package dev.nubo.events;

import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many events each trigger delivered and dead-lettered, counted in memory and added to the event
 * log about once a second, not with every event: these are statistics, and a crash that forgets a
 * second of them loses no event. Stored counts are only ever increased by what this node counted
 * ({@code delivered = delivered + n}), so nodes sharing the log add up rather than overwrite each
 * other, and each flush reads the totals back, so every node shows everyone's.
 */
final class TriggerCounts implements AutoCloseable {

    /** Stored totals as last read, plus what this node counted since (being flushed, or not yet). */
    private static final class Count {
        long stored;
        long flushing;
        long unflushed;

        long total() {
            return stored + flushing + unflushed;
        }
    }

    private record Totals(Map<String, long[]> byTrigger) {}

    private final EventLog log;
    private final EventLoop loop;
    private final Map<String, Count[]> counts = new ConcurrentHashMap<>();
    private final io.vertx.core.Future<Long> timer;

    TriggerCounts(EventLog log, EventLoop loop) {
        this.log = log;
        this.loop = loop;
        apply(readTotals(), Map.of());
        this.timer = loop.setPeriodic(1000, 1000, this::flush);
    }

    /** A deleted trigger: its counts go with it (a new one of the same name starts from zero). */
    void forget(String trigger) {
        counts.remove(trigger);
    }

    // Failed attempts that will be tried again, per trigger, on this node since it started: a rate for
    // /metrics, not a statistic worth a write, so kept in memory only.
    private final Map<String, java.util.concurrent.atomic.LongAdder> retried = new ConcurrentHashMap<>();

    void countRetried(String trigger) {
        retried.computeIfAbsent(trigger, t -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    /** Retries per trigger on this node since it started. */
    Map<String, Long> retried() {
        Map<String, Long> out = new HashMap<>();
        retried.forEach((t, n) -> out.put(t, n.sum()));
        return out;
    }

    void countDelivered(String trigger) {
        add(trigger, 0);
    }

    void countDeadLettered(String trigger) {
        add(trigger, 1);
    }

    long delivered(String trigger) {
        return total(trigger, 0);
    }

    long deadLettered(String trigger) {
        return total(trigger, 1);
    }

    private void add(String trigger, int which) {
        Count[] c = counts.computeIfAbsent(trigger, t -> new Count[] {new Count(), new Count()});
        synchronized (c) {
            c[which].unflushed++;
        }
    }

    private long total(String trigger, int which) {
        Count[] c = counts.get(trigger);
        if (c == null) {
            return 0;
        }
        synchronized (c) {
            return c[which].total();
        }
    }

    /** Adds what was counted since the last flush to the stored counts and reads the totals back, in one unit. */
    CompletableFuture<Void> flush() {
        Map<String, long[]> deltas = new HashMap<>();
        counts.forEach((name, c) -> {
            synchronized (c) {
                if (c[0].unflushed + c[1].unflushed > 0) {
                    deltas.put(name, new long[] {c[0].unflushed, c[1].unflushed});
                    c[0].flushing += c[0].unflushed;
                    c[1].flushing += c[1].unflushed;
                    c[0].unflushed = 0;
                    c[1].unflushed = 0;
                }
            }
        });
        return log.write(sql -> {
            if (!deltas.isEmpty()) {
                var st = sql.get("UPDATE triggers SET delivered = delivered + ?, dead_lettered = dead_lettered + ? WHERE name = ?");
                for (var e : deltas.entrySet()) {
                    st.setLong(1, e.getValue()[0]);
                    st.setLong(2, e.getValue()[1]);
                    st.setString(3, e.getKey());
                    st.addBatch();
                }
                st.executeBatch();
            }
            return totals(sql);
        }).handle((totals, e) -> {
            if (e == null) {
                apply(totals, deltas);
            } else {
                unflush(deltas); // a full disk, say: counted again at the next tick
            }
            return null;
        });
    }

    private void apply(Totals totals, Map<String, long[]> flushed) {
        totals.byTrigger().forEach((name, stored) -> {
            Count[] c = counts.computeIfAbsent(name, t -> new Count[] {new Count(), new Count()});
            long[] done = flushed.getOrDefault(name, new long[2]);
            synchronized (c) {
                for (int i = 0; i < 2; i++) {
                    c[i].stored = stored[i];
                    c[i].flushing -= done[i];
                }
            }
        });
        // Deleted triggers (here or elsewhere) go, once nothing of theirs is left to flush.
        counts.entrySet().removeIf(e -> !totals.byTrigger().containsKey(e.getKey()) && e.getValue()[0].total() == e.getValue()[0].stored
                && e.getValue()[1].total() == e.getValue()[1].stored);
    }

    private void unflush(Map<String, long[]> deltas) {
        deltas.forEach((name, d) -> {
            Count[] c = counts.get(name);
            if (c != null) {
                synchronized (c) {
                    for (int i = 0; i < 2; i++) {
                        c[i].flushing -= d[i];
                        c[i].unflushed += d[i];
                    }
                }
            }
        });
    }

    private Totals readTotals() {
        return log.read(TriggerCounts::totals);
    }

    private static Totals totals(EventLog.Statements sql) throws java.sql.SQLException {
        Map<String, long[]> all = new HashMap<>();
        try (ResultSet rs = sql.get("SELECT name, delivered, dead_lettered FROM triggers").executeQuery()) {
            while (rs.next()) {
                all.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return new Totals(all);
    }

    @Override
    public void close() {
        loop.cancel(timer);
        flush();
    }
}
