package dev.nubo.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the threads waiting for the change feed when something may have changed. Only a hint: a woken
 * waiter reads the feed again, and a waiter not woken reads it after its poll interval anyway, so a
 * lost or spurious signal costs latency, never a change.
 *
 * <p>A waiter takes a {@link #ticket()} before it reads the feed and waits on that ticket, so a signal
 * between its read and its wait is not lost.
 */
final class Signal {

    /** One per SQLite file in this JVM: a write through any Store on the file wakes every Store's waiters. */
    private static final Map<Path, Signal> BY_FILE = new ConcurrentHashMap<>();

    private long count;

    static Signal of(Path sqliteFile) {
        return BY_FILE.computeIfAbsent(sqliteFile, f -> new Signal());
    }

    synchronized long ticket() {
        return count;
    }

    synchronized void signal() {
        count++;
        notifyAll();
    }

    /** Returns when signalled since {@code ticket}, or after {@code max}. */
    synchronized void await(long ticket, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (long left = max.toNanos(); count == ticket && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
