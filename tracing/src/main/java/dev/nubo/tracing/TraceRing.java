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
    private final LinkedHashMap<String, List<Span>> traces = new LinkedHashMap<>();
    private int spans;

    TraceRing(int maxSpans) {
        if (maxSpans < 1) {
            throw new IllegalArgumentException("maxSpans must be at least 1 (got " + maxSpans + ")");
        }
        this.maxSpans = maxSpans;
    }

    synchronized void add(Span span) {
        traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>(4)).add(span);
        spans++;
        Iterator<List<Span>> oldest = traces.values().iterator();
        while (spans > maxSpans && oldest.hasNext()) {
            spans -= oldest.next().size();
            oldest.remove();
        }
    }

    /** The spans kept of one trace, earliest first; empty when none are (never seen, or aged out). */
    synchronized List<Span> trace(String traceId) {
        List<Span> found = traces.get(traceId);
        if (found == null) {
            return List.of();
        }
        List<Span> copy = new ArrayList<>(found);
        copy.sort(java.util.Comparator.comparingLong(Span::startEpochNanos));
        return copy;
    }

    /** The newest traces first, those with a span of {@code service} only when given, at most {@code limit}. */
    synchronized List<TraceSummary> recent(Optional<String> service, int limit) {
        List<Map.Entry<String, List<Span>>> all = new ArrayList<>(traces.entrySet());
        List<TraceSummary> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            List<Span> spans = all.get(i).getValue();
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
