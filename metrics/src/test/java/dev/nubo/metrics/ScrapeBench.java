package dev.nubo.metrics;

import dev.nubo.gateway.Meters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How long {@code GET /metrics} takes to render for many services (bench/metrics-scrape.sh runs it):
 * every service with one routed revision that answered 2xx, 4xx and 5xx, held requests, a cold start
 * and an instance start, plus its instance, hold and scaling gauges; the JVM's meters as the server has them.
 * Not a test: figures belong in bench/README.md, never in assertions.
 */
public final class ScrapeBench {

    /** What the gateway's meter costs one request, from two threads at once (the gateway's two event loops here). */
    static double recordNanos(Meters.RevisionMeter meter) {
        int calls = 5_000_000;
        Runnable work = () -> {
            for (int i = 0; i < calls; i++) {
                meter.answered(200, 1_000_000 + (i & 0xffff) * 100L, 64, 512);
            }
        };
        work.run();  // warm-up: JIT
        long cpu = 0;
        Thread[] threads = {new Thread(work), new Thread(work)};
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] cpuBy = new long[2];
        for (int t = 0; t < 2; t++) {
            int n = t;
            threads[t] = new Thread(() -> {
                work.run();
                cpuBy[n] = bean.getCurrentThreadCpuTime();
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        cpu = cpuBy[0] + cpuBy[1];
        return cpu / (2.0 * calls);  // thread CPU time, not wall time: the machine may be busy with others
    }

    public static void main(String[] args) {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Metrics metrics = Metrics.create();
        List<Metrics.RevisionState> fleet = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String service = "service-" + i;
            String revision = service + "-00001";
            Meters.RevisionMeter meter = metrics.gateway().revision(service, revision);
            meter.answered(200, 2_000_000, 100, 1000);
            meter.answered(404, 1_000_000, 0, 50);
            meter.answered(503, 30_000_000, 0, 50);
            meter.held(20_000_000);
            meter.coldStart(20_000_000, 3_000_000);
            metrics.instanceStarted(service, revision, Duration.ofMillis(25), true);
            fleet.add(new Metrics.RevisionState(service, revision, Map.of("READY", 1), 0, 1, 1));
        }
        metrics.fleet(() -> fleet);
        int bytes = 0;
        for (int i = 0; i < 20; i++) {
            bytes = metrics.scrape().length();  // warm-up: JIT
        }
        long[] nanos = new long[scrapes];
        for (int i = 0; i < scrapes; i++) {
            long start = System.nanoTime();
            metrics.scrape();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("record: %.0f ns per request (answered: status class, latency histogram, bytes; 2 threads on one revision)%n",
                recordNanos(metrics.gateway().revision("service-0", "service-0-00001")));
        System.out.printf("services=%d scrapes=%d bytes=%d lines=%d median=%.1fms p90=%.1fms max=%.1fms%n", services, scrapes, bytes,
                metrics.scrape().lines().count(), nanos[scrapes / 2] / 1e6, nanos[(int) (scrapes * 0.9)] / 1e6, nanos[scrapes - 1] / 1e6);
    }
}
