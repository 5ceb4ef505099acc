package dev.nubo.tracing;

import dev.nubo.gateway.ExchangeTrace;
import dev.nubo.gateway.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What tracing costs per gateway request, in thread CPU time (bench/tracing.sh runs it): the hand-off on
 * the event loop (the gateway's {@link ExchangeTrace} and the queue), the background thread's turning it
 * into spans and keeping them in the ring, and encoding those spans as OTLP protobuf for export. Rounds
 * alternate warm exchanges (two spans: server, call) and cold ones (four: with hold and cold start).
 * Not a test: figures go in bench/README.md.
 */
public final class TracingBench {

    static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int perThread = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        for (int round = 0; round < 6; round++) {  // the first rounds warm the JIT
            boolean cold = round % 2 == 1;
            Tracing tracing = Tracing.start(new TracingConfig(Optional.empty(), 20_000, 2 * perThread + 1, Duration.ofHours(1)),
                    InstantSource.system());
            Tracer tracer = tracing.gateway();
            long[] cpu = new long[2];
            Thread[] loops = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int n = t;
                loops[t] = new Thread(() -> {
                    long start = BEAN.getCurrentThreadCpuTime();
                    for (int i = 0; i < perThread; i++) {
                        long at = System.nanoTime();
                        tracer.exchange(new ExchangeTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                "00-4bf92f3577b34da6a3ce929d0e0e4736-1111222233334444-01", "GET", "/hello", "shop", "shop-00001",
                                "shop-00001-ab", "req-" + (i & 1023), 200, "ok", at, cold ? at + 10 : 0, cold ? at + 900 : 0, cold, at + 905, at + 1000));
                    }
                    cpu[n] = BEAN.getCurrentThreadCpuTime() - start;
                });
                loops[t].start();
            }
            for (Thread t : loops) {
                t.join();
            }
            double handOff = (cpu[0] + cpu[1]) / (2.0 * perThread);
            tracing.instanceStarted("shop-00001-ab", java.time.Instant.now(), java.time.Instant.now(), false);
            long start = BEAN.getCurrentThreadCpuTime();
            tracing.recent(Optional.empty(), 1);  // drains the queue on this thread: spans made and kept
            double keep = (BEAN.getCurrentThreadCpuTime() - start) / (2.0 * perThread);
            double encode = encodeNanosPerExchange(tracing);
            tracing.close();
            System.out.printf("round %d, %s: hand-off on the event loop %.0f ns, spans made and kept %.0f ns, OTLP encoding %.0f ns"
                    + " per request; %d exchanges from 2 threads, %d dropped%n", round + 1,
                    cold ? "cold requests (4 spans)" : "warm requests (2 spans)", handOff, keep, encode * (cold ? 4 : 2) / 4, 2 * perThread,
                    tracing.dropped());
        }
        System.out.printf("load: %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    }

    /** Protobuf encoding of kept spans in batches of 512, as the exporter does before sending them. */
    private static double encodeNanosPerExchange(Tracing tracing) {
        Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "nubo"));
        List<SpanData> all = new ArrayList<>();
        tracing.recent(Optional.empty(), 1000).forEach(t -> tracing.trace(t.traceId()).forEach(s -> all.add(new OtlpSpan(s, resource))));
        List<SpanData> batch = all.subList(0, Math.min(512, all.size()));
        int rounds = 1000;
        long start = BEAN.getCurrentThreadCpuTime();
        for (int i = 0; i < rounds; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
            try {
                TraceRequestMarshaler.create(batch).writeBinaryTo(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return (BEAN.getCurrentThreadCpuTime() - start) / (double) rounds / batch.size() * 4;
    }
}
