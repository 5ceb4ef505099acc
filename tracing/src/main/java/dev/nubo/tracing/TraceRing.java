package dev.nubo.tracing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recent past of traces, kept in memory for {@code nubo trace}: at most {@code maxSpans} spans, the
 * oldest traces (by their first span's arrival) dropped whole to make room, so memory stays bounded
 * however busy the server is and a trace is never shown with half its spans. Thread-safe.
 */
final class TraceRing {

    private final int maxSpans;
    // Per trace: Spans, and gateway exchanges whose spans are made only when read (GatewaySpans.Kept).
    private final LinkedHashMap<String, List<Object>> traces = new LinkedHashMap<>();
    private int spans;

    TraceRing(int maxSpans) {
        if (maxSpans < 1) {
            throw new IllegalArgumentException("maxSpans must be at least 1 (got " + maxSpans + ")");
        }
        this.maxSpans = maxSpans;
    }

    synchronized void add(Span span) {
        add(span.traceId(), span, 1);
    }

    synchronized void add(GatewaySpans.Kept exchange) {
        add(exchange.traceId(), exchange, exchange.size());
    }

    private void add(String traceId, Object item, int size) {
        traces.computeIfAbsent(traceId, id -> new ArrayList<>(2)).add(item);
        spans += size;
        Iterator<List<Object>> oldest = traces.values().iterator();
        while (spans > maxSpans && oldest.hasNext()) {
            for (Object o : oldest.next()) {
                spans -= o instanceof GatewaySpans.Kept k ? k.size() : 1;
            }
            oldest.remove();
        }
    }

    private static List<Span> spans(List<Object> items) {
        List<Span> out = new ArrayList<>(items.size() * 2);
        for (Object o : items) {
            if (o instanceof GatewaySpans.Kept k) {
                out.addAll(k.spans());
            } else {
                out.add((Span) o);
            }
        }
        return out;
    }

    /** The spans kept of one trace, earliest first; empty when none are (never seen, or aged out). */
    synchronized List<Span> trace(String traceId) {
        List<Object> found = traces.get(traceId);
        if (found == null) {
            return List.of();
        }
        List<Span> copy = spans(found);
        copy.sort(java.util.Comparator.comparingLong(Span::startEpochNanos));
        return copy;
    }

    /** The newest traces first, those with a span of {@code service} only when given, at most {@code limit}. */
    synchronized List<TraceSummary> recent(Optional<String> service, int limit) {
        List<Map.Entry<String, List<Object>>> all = new ArrayList<>(traces.entrySet());
        List<TraceSummary> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            List<Span> spans = spans(all.get(i).getValue());
            if (service.isEmpty() || spans.stream().anyMatch(s -> s.service().equals(service.get()))) {
                out.add(summary(all.get(i).getKey(), spans));
            }
        }
        return out;
    }

    synchronized int size() {
        return spans;
    }

    private static TraceSummary summary(String traceId, List<Span> spans) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        boolean error = false;
        Span root = spans.get(0);
        LinkedHashSet<String> services = new LinkedHashSet<>();
        for (Span s : spans) {
            start = Math.min(start, s.startEpochNanos());
            end = Math.max(end, s.endEpochNanos());
            error |= s.error();
            if (!s.service().isEmpty()) {
                services.add(s.service());
            }
            if (s.startEpochNanos() < root.startEpochNanos()) {
                root = s;
            }
        }
        return new TraceSummary(traceId, root.name(), List.copyOf(services), start, end - start, spans.size(), error);
    }
}
