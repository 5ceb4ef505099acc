package dev.nubo.javaruntime;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Holds invocations to their deadline. One still running at its deadline is interrupted: the
 * gateway has answered 504 by then, so its work is wasted. One still running a grace period later
 * ignores interruption (a busy loop, I/O that cannot be interrupted) and would hold its carrier
 * thread, memory and locks for good, so the host prints
 * {@code nubo: invocation <id> still running <N> ms after its <T> ms timeout; exiting so that Nubo
 * replaces this instance} and halts with status {@value #RECYCLE_STATUS}, which the platform answers
 * by starting a fresh instance.
 *
 * <pre>{@code
 * DeadlineWatch.Watched watched = watch.watch(requestId, System.nanoTime() + timeoutNanos);
 * try {
 *     return function.invoke(request, context);
 * } finally {
 *     watched.close();
 * }
 * }</pre>
 *
 * <p>One timer thread serves the whole process and sleeps until the next deadline, so the watch
 * costs nothing while idle and a schedule plus a cancel per invocation. It is a platform thread on
 * purpose: a handler spinning on a virtual thread holds its carrier, and enough of them would leave
 * no carrier for a virtual timer.
 */
final class DeadlineWatch {

    static final int RECYCLE_STATUS = 3;

    private final Duration timeout;
    private final Duration grace;
    private final Runnable halt;

    DeadlineWatch(Duration timeout, Duration grace) {
        this(timeout, grace, () -> Runtime.getRuntime().halt(RECYCLE_STATUS));
    }

    /** {@code halt} ends the process (tests pass one that only counts). */
    DeadlineWatch(Duration timeout, Duration grace, Runnable halt) {
        this.timeout = timeout;
        this.grace = grace;
        this.halt = halt;
    }

    /** Watches the calling thread until the result is closed; {@code deadline} in {@link System#nanoTime()} terms. */
    Watched watch(String requestId, long deadline) {
        Watched watched = new Watched(requestId, Thread.currentThread(), deadline);
        synchronized (watched) {
            watched.next = Timer.INSTANCE.schedule(watched::deadlineReached, deadline - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        return watched;
    }

    /** Made by the first invocation rather than before the host listens. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor INSTANCE = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "nubo-deadlines");
                thread.setDaemon(true);
                return thread;
            });
            // Almost every invocation finishes in time: its cancelled task must not linger in the queue.
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    /** One invocation under watch. */
    final class Watched implements AutoCloseable {

        private final String requestId;
        private final Thread thread;
        private final long deadline;
        private boolean done;
        private ScheduledFuture<?> next;

        private Watched(String requestId, Thread thread, long deadline) {
            this.requestId = requestId;
            this.thread = thread;
            this.deadline = deadline;
        }

        private synchronized void deadlineReached() {
            if (done) {
                return;
            }
            new RequestLog(requestId).error("nubo: still running at its " + timeout.toMillis()
                    + " ms timeout; interrupting it");
            thread.interrupt();
            next = Timer.INSTANCE.schedule(this::graceOver, grace.toNanos(), TimeUnit.NANOSECONDS);
        }

        private void graceOver() {
            synchronized (this) {
                if (done) {
                    return;
                }
            }
            long late = (System.nanoTime() - deadline) / 1_000_000;
            System.out.flush();
            System.err.println("nubo: invocation " + requestId + " still running " + late + " ms after its "
                    + timeout.toMillis() + " ms timeout; exiting so that Nubo replaces this instance");
            System.err.flush();
            halt.run();
        }

        /**
         * Ends the watch; on the watched thread, once the invocation returned. An interrupt that
         * raced with the return is cleared, so that it cannot break sending the response.
         */
        @Override
        public void close() {
            ScheduledFuture<?> pending;
            synchronized (this) {
                done = true;
                pending = next;
            }
            pending.cancel(false);
            Thread.interrupted();
        }
    }
}
