package dev.nubo.gateway;

import dev.nubo.model.Descriptor;
import dev.nubo.model.Resilience;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Not a test (surefire runs *Test only): the process CPU per request through the gateway with no
 * rules, and with limits (a rate and concurrency far above the load, a path entry) and resilience
 * (breaker, ejection, retries) that never refuse, in alternating rounds. Client, gateway and upstream
 * share this JVM, so the figures are the whole loop's; the difference is the rules' cost.
 * Run by hand (bench/README.md): {@code java -cp ... dev.nubo.gateway.ResilienceCostProbe [requests]}.
 */
final class ResilienceCostProbe {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Harness h = new Harness()) {
            Harness.Instance a = h.instance("hello-1", req -> req.response().end("ok"));
            Harness.Instance b = h.instance("hello-2", req -> req.response().end("ok"));
            ServiceRoute plain = ServiceRoute.single("hello", List.of(), RevisionRoute.of("hello-r1", Duration.ofSeconds(10), 1 << 20,
                    List.of(a.endpoint(), b.endpoint())));
            ServiceRoute governed = plain.withLimits(new Descriptor.Limits(1_000_000, 1_000_000, false, 100_000,
                            Map.of("/never", new Descriptor.Limits(1, 1, false, 0))))
                    .withResilience(new Resilience(new Resilience.Breaker(5, 50, 10, Duration.ofSeconds(10), Duration.ofSeconds(30)),
                            Resilience.Fallback.NONE, new Resilience.Outliers(5, Duration.ofSeconds(30)), new Resilience.Retries(20)));
            long[] off = new long[2];
            long[] on = new long[2];
            for (int round = 0; round < 6; round++) {
                boolean governedRound = round % 2 == 1;
                h.route(governedRound ? governed : plain);
                long cpu = os.getProcessCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    HttpResponse<String> r = h.get("hello.localhost", "/x");
                    if (r.statusCode() != 200) {
                        throw new AssertionError("status " + r.statusCode());
                    }
                }
                long took = os.getProcessCpuTime() - cpu;
                if (round >= 2) {  // the first two warm up
                    long[] into = governedRound ? on : off;
                    into[0] += took;
                    into[1] += n;
                }
                System.out.printf("round %d %-8s %6.1f µs CPU/request, %6.1f µs wall/request%n", round, governedRound ? "rules" : "none",
                        took / 1000.0 / n, (System.nanoTime() - wall) / 1000.0 / n);
            }
            double perOff = off[0] / 1000.0 / off[1];
            double perOn = on[0] / 1000.0 / on[1];
            System.out.printf("no rules %.1f µs CPU/request; limits + resilience %.1f µs (%+.1f %%)%n", perOff, perOn, (perOn / perOff - 1) * 100);
        }
    }
}
