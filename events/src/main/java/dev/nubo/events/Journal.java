package dev.nubo.events;

import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@link Changes} of a step (with any other work of the same unit) to the event log and,
 * only once they are committed, hands the new deliveries to the dispatcher and counts the events a
 * full backlog turned away. Nothing is sent that a crash could forget, and when a write fails,
 * nothing of it is sent either.
 */
final class Journal {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    private final EventLog eventLog;
    private final String node;
    private final InstantSource clock;
    private final EventLoop loop;
    private final Backlog backlog;
    private final TriggerCounts counts;
    private final Dispatcher dispatcher;

    Journal(EventLog eventLog, String node, InstantSource clock, EventLoop loop, Backlog backlog, TriggerCounts counts,
            Dispatcher dispatcher) {
        this.eventLog = eventLog;
        this.node = node;
        this.clock = clock;
        this.loop = loop;
        this.backlog = backlog;
        this.counts = counts;
        this.dispatcher = dispatcher;
    }

    /**
     * Writes {@code changes} (plus {@code more}, in the same unit) and hands new deliveries to the
     * dispatcher after the commit. When the write fails, nothing of it is stored or sent.
     */
    CompletableFuture<Void> commit(Changes changes, EventLog.Work<?>... more) {
        return write(changes, more).whenComplete((v, e) -> {
            if (e != null) {
                release(changes);
            }
        }).thenRun(() -> committed(changes));
    }

    /**
     * Like {@link #commit}, for what must not be forgotten while the server runs, such as a delivery's
     * outcome: a write refused for a full disk is tried again (1 s doubling to 30 s) until there is
     * room; any other failure is logged, and the delivery, still stored as pending, is sent again at
     * the next start (or by the node that took it over, when that is why it failed).
     *
     * @param what what the write records, for the log
     */
    void record(Changes changes, String what, EventLog.Work<?>... more) {
        record(changes, what, 0, more);
    }

    private void record(Changes changes, String what, int retries, EventLog.Work<?>... more) {
        write(changes, more).whenComplete((v, e) -> {
            if (e == null) {
                committed(changes);
            } else if (DiskFull.is(e)) {
                loop.setTimer(Math.min(30_000, 1000L << Math.min(retries, 5)), () -> record(changes, what, retries + 1, more));
            } else if ((e instanceof java.util.concurrent.CompletionException ? e.getCause() : e) instanceof LeaseLost lost) {
                release(changes);
                log.warn("{}: recording {} was not needed", lost.getMessage(), what);
            } else {
                release(changes);
                log.error("recording {} failed; it is stored as pending and is sent again after a restart", what, e);
            }
        });
    }

    private CompletableFuture<Void> write(Changes changes, EventLog.Work<?>... more) {
        if (changes.isEmpty() && more.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        String now = clock.instant().toString();
        return eventLog.write(sql -> {
            changes.write(sql, node, now);
            for (EventLog.Work<?> w : more) {
                w.run(sql);
            }
            return null;
        });
    }

    private void committed(Changes changes) {
        changes.overflowed.forEach(counts::countDeadLettered);
        dispatcher.submit(changes.added);
    }

    /** Uncounts the deliveries of {@code changes}, which will not be stored. */
    void release(Changes changes) {
        changes.added.forEach(d -> backlog.remove(d.origin));
    }
}
