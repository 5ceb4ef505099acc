package dev.nubo.tracing;

import dev.nubo.events.DeliveryAttempt;
import dev.nubo.events.DeliveryTracer;
import dev.nubo.gateway.ExchangeTrace;
import dev.nubo.gateway.Tracer;
import dev.nubo.workflows.WorkflowTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nubo's traces: spans of each request's life, kept for the recent past ({@link #trace}, {@link #recent})
 * and, when an OTLP/HTTP endpoint is given, exported to it in batches.
 *
 * <pre>{@code
 * Tracing tracing = Tracing.start(TracingConfig.defaults().withOtlp(URI.create("http://127.0.0.1:4318")), InstantSource.system());
 * gateway.tracer(tracing.gateway());
 * tracing.trace("4bf92f3577b34da6a3ce929d0e0e4736");   // the spans kept of that trace
 * tracing.close();
 * }</pre>
 *
 * <p><b>Cost on the request path.</b> The gateway hands over one small record per exchange and this class
 * queues it (bounded: past {@link TracingConfig#maxPending} it is dropped and counted, never waited
 * for). A single background thread keeps what is queued every {@link TracingConfig#every} (a gateway
 * exchange as its record, its spans made only when read or exported: most requests are never read) and
 * exports; a reader ({@link #trace}) keeps what is queued first, so a request that has just ended is
 * already in its trace.
 */
public final class Tracing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Tracing.class);

    private final TracingConfig config;
    private final TraceRing ring;
    private final GatewaySpans gatewaySpans;
    private final WorkflowSpans workflowSpans = new WorkflowSpans(new java.util.SplittableRandom());
    private final ArrayBlockingQueue<Object> pending;        // ExchangeTrace, DeliveryAttempt, workflow steps or Span, in arrival order
    private final java.util.Map<String, GatewaySpans.Launch> launches = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, GatewaySpans.Launch> eldest) {
                    return size() > 1024;
                }
            });
    private final Optional<OtlpHttpSpanExporter> exporter;
    private final Resource resource;
    private final ScheduledExecutorService worker;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong exportFailures = new AtomicLong();
    private final Object drainLock = new Object();

    private Tracing(TracingConfig config, InstantSource clock, long nanoTime) {
        this.config = config;
        this.ring = new TraceRing(config.maxSpans());
        this.gatewaySpans = new GatewaySpans(epochNanos(clock) - nanoTime, new java.util.SplittableRandom());
        this.pending = new ArrayBlockingQueue<>(config.maxPending());
        this.resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "nubo"));
        this.exporter = config.otlp().map(uri -> OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(uri))
                .setTimeout(Duration.ofSeconds(10)).build());
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nubo-traces");
            t.setDaemon(true);
            return t;
        });
        worker.scheduleWithFixedDelay(this::drainAndExport, config.every().toMillis(), config.every().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the background thread (and the exporter, when {@code config} names an endpoint). */
    public static Tracing start(TracingConfig config, InstantSource clock) {
        return new Tracing(config, clock, System.nanoTime());
    }

    /** What the gateway calls as each exchange ends. */
    public Tracer gateway() {
        return this::offer;
    }

    /** What the event dispatcher calls as each delivery attempt ends. */
    public DeliveryTracer events() {
        return this::offer;
    }

    /** What workflow runs call as each state is left and each execution ends. */
    public WorkflowTracer workflows() {
        return new WorkflowTracer() {
            @Override
            public void state(StateRun run) {
                offer(run);
            }

            @Override
            public void execution(ExecutionRun run) {
                offer(run);
            }
        };
    }

    /** Keeps (and exports) a span made elsewhere in the server: an event delivery, a workflow step. */
    public void record(Span span) {
        offer(span);
    }

    /** The server launched {@code instance} (from a pool when {@code pooled}): a cold start held for it shows the launch. */
    public void instanceStarted(String instance, java.time.Instant created, java.time.Instant ready, boolean pooled) {
        launches.put(instance, new GatewaySpans.Launch(epochNanos(created), epochNanos(ready), pooled));
    }

    /** The kept spans of a trace, earliest first; empty when none are kept (unknown, unsampled, or aged out). */
    public List<Span> trace(String traceId) {
        drain();
        return ring.trace(traceId);
    }

    /** Recent traces, newest first: only those touching {@code service} when given; at most {@code limit}. */
    public List<TraceSummary> recent(Optional<String> service, int limit) {
        drain();
        return ring.recent(service, limit);
    }

    /** Exchanges and spans dropped because the queue was full (the background thread fell behind). */
    public long dropped() {
        return dropped.get();
    }

    /** Spans the OTLP endpoint accepted, and batches it refused or never answered. */
    public long exported() {
        return exported.get();
    }

    public long exportFailures() {
        return exportFailures.get();
    }

    /** Exports what is queued, then stops; spans of exchanges still ending are lost. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainAndExport();
        exporter.ifPresent(OtlpHttpSpanExporter::shutdown);
    }

    private void offer(Object item) {
        if (!pending.offer(item)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * Keeps what is queued: spans as they are, a gateway exchange as handed over (its spans are made when read, or
     * now when it is to be exported: most requests are never read).
     */
    private void drain() {
        synchronized (drainLock) {
            List<Object> items = new ArrayList<>(pending.size());
            pending.drainTo(items);
            for (Object item : items) {
                if (item instanceof ExchangeTrace t) {
                    gatewaySpans.keep(t, id -> Optional.ofNullable(launches.get(id))).ifPresent(kept -> {
                        ring.add(kept);
                        if (exporter.isPresent() && config.exports(kept.traceId())) {
                            unexported.addAll(kept.spans());
                        }
                    });
                } else {
                    Span span = item instanceof DeliveryAttempt a ? DeliverySpans.span(a)
                            : item instanceof WorkflowTracer.StateRun run ? workflowSpans.span(run)
                            : item instanceof WorkflowTracer.ExecutionRun run ? workflowSpans.span(run)
                            : (Span) item;
                    ring.add(span);
                    if (exporter.isPresent() && config.exports(span.traceId())) {
                        unexported.add(span);
                    }
                }
            }
        }
    }

    private final List<Span> unexported = new ArrayList<>();   // guarded by drainLock

    private void drainAndExport() {
        try {
            drain();
            if (exporter.isEmpty()) {
                return;
            }
            List<SpanData> batch;
            synchronized (drainLock) {
                if (unexported.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(unexported.size());
                unexported.forEach(s -> batch.add(new OtlpSpan(s, resource)));
                unexported.clear();
            }
            CompletableResultCode result = exporter.get().export(batch).join(15, TimeUnit.SECONDS);
            if (result.isSuccess()) {
                exported.addAndGet(batch.size());
            } else {
                exportFailures.incrementAndGet();
                log.warn("could not export {} spans to {}; they stay in `nubo trace` only", batch.size(), config.otlp().get());
            }
        } catch (RuntimeException e) {
            log.warn("tracing's background pass failed; traces may be missing spans", e);
        }
    }

    /** {@code --otlp-endpoint} is the collector's base URL (as OTEL_EXPORTER_OTLP_ENDPOINT): traces go to its /v1/traces. */
    static String tracesUrl(URI base) {
        String s = base.toString();
        return s.endsWith("/v1/traces") ? s : s.replaceAll("/+$", "") + "/v1/traces";
    }

    private static long epochNanos(InstantSource clock) {
        return epochNanos(clock.instant());
    }

    private static long epochNanos(java.time.Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
