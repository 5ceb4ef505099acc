package dev.nubo.gateway;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Not a test (its name keeps it out of the suite): a probe of what the access log costs the gateway's
 * event loops per request, in bytes allocated and CPU time, measured on the gateway's own threads
 * with the access log off and on, in alternating rounds. The entries go into a bounded queue that a
 * thread drains, as the server's {@code AccessLogs} does; formatting and writing happen on that
 * thread, which is not counted here because it is not on the request path.
 *
 * <pre>
 * mvn -B -q -o -pl gateway -am verify -Dtest=AccessLogProbe -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class AccessLogProbe {

    private static final int REQUESTS = Integer.getInteger("probe.requests", 20_000);

    @Test
    void printsTheAccessLogsCostPerRequestOnTheEventLoops() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ArrayBlockingQueue<AccessLog.Entry> queue = new ArrayBlockingQueue<>(16_384);
        AtomicLong drained = new AtomicLong();
        Thread drainer = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    queue.take();
                    drained.incrementAndGet();
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        try (Harness h = new Harness()) {
            h.route("hello", List.of(), h.instance("hello-1", req -> req.response().end("hello")));
            run(h, 5_000);  // warm-up: JIT, pooled connections
            long[][] totals = new long[2][2];
            for (int round = 0; round < 6; round++) {
                boolean on = round % 2 == 1;
                h.gateway.accessLog(on ? queue::offer : AccessLog.NONE);
                long[] before = measure(threads);
                run(h, REQUESTS);
                long[] after = measure(threads);
                totals[on ? 1 : 0][0] += after[0] - before[0];
                totals[on ? 1 : 0][1] += after[1] - before[1];
            }
            long n = 3L * REQUESTS;
            System.out.printf("access log off: %d bytes and %d ns of event-loop CPU per request%n", totals[0][0] / n, totals[0][1] / n);
            System.out.printf("access log on:  %d bytes and %d ns of event-loop CPU per request (%d entries drained)%n",
                    totals[1][0] / n, totals[1][1] / n, drained.get());
        } finally {
            drainer.interrupt();
        }
    }

    private static void run(Harness h, int requests) {
        for (int i = 0; i < requests; i++) {
            h.get("hello.localhost", "/probe?i=" + i);
        }
    }

    /** Bytes allocated and CPU nanoseconds so far, summed over the gateway's event loop threads. */
    private static long[] measure(com.sun.management.ThreadMXBean threads) {
        long bytes = 0;
        long cpu = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("nubo-gateway")) {
                bytes += threads.getThreadAllocatedBytes(t.threadId());
                cpu += threads.getThreadCpuTime(t.threadId());
            }
        }
        return new long[] {bytes, cpu};
    }
}
