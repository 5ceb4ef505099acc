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
        // Requests of many traces (as a gateway sees them), so an export ratio chooses among them by trace id.
        java.util.SplittableRandom random = new java.util.SplittableRandom(18);
        String[][] contexts = new String[1 << 16][];
        for (int i = 0; i < contexts.length; i++) {
            String trace = java.util.HexFormat.of().toHexDigits(random.nextLong()) + java.util.HexFormat.of().toHexDigits(random.nextLong());
            contexts[i] = new String[] {"00-" + trace + "-00f067aa0ba902b7-01", "00-" + trace + "-1111222233334444-01"};
        }
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
                        String[] context = contexts[(i * 2 + n) & (contexts.length - 1)];
                        tracer.exchange(new ExchangeTrace(context[0], context[1], "GET", "/hello", "shop", "shop-00001",
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
            int spansPerRequest = cold ? 4 : 2;
            double all = exportNanosPerRequest(tracing, TracingConfig.defaults(), spansPerRequest);
            double tenth = exportNanosPerRequest(tracing, TracingConfig.defaults().withExportRatio(0.1), spansPerRequest);
            tracing.close();
            System.out.printf("round %d, %s: hand-off on the event loop %.0f ns, exchanges kept %.0f ns, OTLP export (chosen, spans made,"
                    + " converted, encoded) %.0f ns, at --otlp-sample 0.1 %.0f ns per request; %d exchanges from 2 threads, %d dropped%n", round + 1,
                    cold ? "cold requests (4 spans)" : "warm requests (2 spans)", handOff, keep, all, tenth, 2 * perThread, tracing.dropped());
        }
        System.out.printf("load: %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    }

    /**
     * The export path per request: the kept exchanges of the traces {@code config}'s ratio chooses made into spans (read
     * back from the ring, a little more than the background thread does), converted to the SDK's form and encoded as OTLP
     * protobuf in batches of 512, as before the exporter's HTTP POST.
     */
    private static double exportNanosPerRequest(Tracing tracing, TracingConfig config, int spansPerRequest) {
        Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "nubo"));
        List<String> traces = tracing.recent(Optional.empty(), Integer.MAX_VALUE).stream().map(TraceSummary::traceId).toList();
        long kept = tracing.recent(Optional.empty(), Integer.MAX_VALUE).stream().mapToLong(TraceSummary::spans).sum();
        int rounds = 20;
        long start = BEAN.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            List<SpanData> batch = new ArrayList<>(512);
            for (String trace : traces) {
                if (!config.exports(trace)) {
                    continue;
                }
                for (Span s : tracing.trace(trace)) {
                    batch.add(new OtlpSpan(s, resource));
                    if (batch.size() == 512) {
                        encode(batch);
                        batch.clear();
                    }
                }
            }
            encode(batch);
        }
        return (BEAN.getCurrentThreadCpuTime() - start) / (double) rounds / kept * spansPerRequest;
    }

    private static void encode(List<SpanData> batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            TraceRequestMarshaler.create(batch).writeBinaryTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
