package dev.nubo.tracing;

import dev.nubo.gateway.ExchangeTrace;
import dev.nubo.model.TraceIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Turns what the gateway saw of one exchange into spans, off the request path:
 * <pre>
 * GET /path            SERVER  receipt → end; child of the caller's span when it sent a traceparent
 * ├─ hold             INTERNAL first wait for room → an instance took it (when it waited)
 * │  └─ cold start    INTERNAL the instance's launch → ready (when it was held at zero and the server told us the launch)
 * └─ call instance     CLIENT  connecting to the instance → end; its id is the parent the instance got in its traceparent
 * </pre>
 * The trace id is the one the instance got (the caller's, or the new one the gateway started); an exchange
 * with an unsampled traceparent (flags 00) makes no spans, as W3C trace context asks.
 */
final class GatewaySpans {

    /** An instance's launch, as the server told it: epoch nanoseconds. */
    record Launch(long startEpochNanos, long readyEpochNanos, boolean pooled) {}

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private final long epochOffsetNanos;
    private final RandomGenerator random;

    /** {@code epochOffsetNanos}: add to a {@link System#nanoTime} reading to get nanoseconds since the epoch. */
    GatewaySpans(long epochOffsetNanos, RandomGenerator random) {
        this.epochOffsetNanos = epochOffsetNanos;
        this.random = random;
    }

    /**
     * An exchange kept as the gateway handed it over, with its trace and span ids fixed, so that its spans are
     * made only when read or exported ({@link #spans(Kept)}) and two reads agree. Cheaper to keep than its spans.
     */
    record Kept(GatewaySpans maker, ExchangeTrace t, String traceId, Optional<String> callerSpan, long serverId, long holdId,
                long launchId, Optional<Launch> launch) {

        List<Span> spans() {
            return maker.spans(this);
        }

        /** How many spans {@link #spans()} makes, without making them. */
        int size() {
            return 1 + (t.heldNanos() != 0 ? 1 + (launch.isPresent() ? 1 : 0) : 0)
                    + (t.callNanos() != 0 && !t.upstreamTraceparent().isEmpty() ? 1 : 0);
        }
    }

    List<Span> spans(ExchangeTrace t, java.util.function.Function<String, Optional<Launch>> launches) {
        return keep(t, launches).map(this::spans).orElse(List.of());
    }

    /** The exchange with its ids fixed; empty when its traceparent asks not to sample. */
    Optional<Kept> keep(ExchangeTrace t, java.util.function.Function<String, Optional<Launch>> launches) {
        String context = !t.upstreamTraceparent().isEmpty() ? t.upstreamTraceparent()
                : TraceIds.isTraceparent(t.callerTraceparent()) ? t.callerTraceparent() : "";
        if (!context.isEmpty() && (Character.digit(context.charAt(54), 16) & 1) == 0) {
            return Optional.empty();
        }
        String traceId = context.isEmpty() ? id(2) : context.substring(3, 35);
        Optional<String> callerSpan = TraceIds.isTraceparent(t.callerTraceparent()) && t.callerTraceparent().startsWith(traceId, 3)
                ? Optional.of(t.callerTraceparent().substring(36, 52)) : Optional.empty();
        Optional<Launch> launch = t.heldNanos() != 0 && t.cold() && !t.instance().isEmpty() ? launches.apply(t.instance()) : Optional.empty();
        return Optional.of(new Kept(this, t, traceId, callerSpan, nonZero(), nonZero(), nonZero(), launch));
    }

    List<Span> spans(Kept k) {
        ExchangeTrace t = k.t();
        String traceId = k.traceId();
        String server = HEX.toHexDigits(k.serverId());
        boolean failed = t.status() >= 500;
        List<Span> out = new ArrayList<>(4);
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        attributes.put("http.request.method", t.method());
        attributes.put("url.path", t.path());
        attributes.put("http.response.status_code", Integer.toString(t.status()));
        attributes.put("nubo.request_id", t.requestId());
        attributes.put("nubo.result", t.result());
        if (!t.revision().isEmpty()) {
            attributes.put("nubo.revision", t.revision());
        }
        out.add(new Span(traceId, server, k.callerSpan(), t.method() + " " + t.path(), Span.Kind.SERVER, t.service(),
                epoch(t.receivedNanos()), epoch(t.endNanos()), failed, attributes));
        if (t.heldNanos() != 0) {
            long until = t.heldUntilNanos() != 0 ? t.heldUntilNanos() : t.endNanos();
            String hold = HEX.toHexDigits(k.holdId());
            out.add(new Span(traceId, hold, Optional.of(server), "hold", Span.Kind.INTERNAL, t.service(), epoch(t.heldNanos()),
                    epoch(until), t.heldUntilNanos() == 0, Map.of("nubo.cold_start", Boolean.toString(t.cold()))));
            k.launch().ifPresent(l -> out.add(new Span(traceId, HEX.toHexDigits(k.launchId()), Optional.of(hold), "cold start",
                    Span.Kind.INTERNAL, t.service(), l.startEpochNanos(), l.readyEpochNanos(), false,
                    Map.of("nubo.instance", t.instance(), "nubo.pooled", Boolean.toString(l.pooled())))));
        }
        if (t.callNanos() != 0 && !t.upstreamTraceparent().isEmpty()) {
            out.add(new Span(traceId, t.upstreamTraceparent().substring(36, 52), Optional.of(server), "call instance", Span.Kind.CLIENT,
                    t.service(), epoch(t.callNanos()), epoch(t.endNanos()), failed, Map.of("nubo.instance", t.instance())));
        }
        return out;
    }

    private long nonZero() {
        long id = random.nextLong();
        return id == 0 ? 1 : id;
    }

    private long epoch(long nanoTime) {
        return nanoTime + epochOffsetNanos;
    }

    /** {@code longs} random longs (never all zero) as lowercase hex: 1 for a span id, 2 for a trace id. */
    private String id(int longs) {
        long last = random.nextLong();
        String tail = HEX.toHexDigits(last == 0 ? 1 : last);
        return longs == 1 ? tail : HEX.toHexDigits(random.nextLong()) + tail;
    }
}
