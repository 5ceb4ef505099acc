package dev.nubo.tracing;

import java.util.List;

/**
 * One kept trace in a list of recent ones: its earliest span's name, the services it touched, when it
 * started (nanoseconds since the epoch) and how long it spanned, how many spans are kept, and whether any failed.
 */
public record TraceSummary(String traceId, String root, List<String> services, long startEpochNanos, long durationNanos,
                           int spans, boolean error) {
}
