package dev.nubo.workflows;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Executions started and ended per workflow on this server since it started, for /metrics: counted where
 * each happens (a start that created an execution, a run that ended it, a stop or a timeout that ended
 * it), never read back from the store. Thread-safe.
 */
final class ExecutionCounts {

    static final String STARTED = "started";

    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    void started(String workflow) {
        add(workflow, STARTED);
    }

    /** {@code status}: the final status the execution reached, SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
    void ended(String workflow, ExecutionStatus status) {
        add(workflow, status.name().toLowerCase(java.util.Locale.ROOT));
    }

    private void add(String workflow, String what) {
        counts.computeIfAbsent(workflow, w -> new ConcurrentHashMap<>()).computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Workflow → {@code started}, {@code succeeded}, {@code failed}, {@code timed_out}, {@code aborted} → total so far. */
    Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        counts.forEach((workflow, byWhat) -> {
            Map<String, Long> totals = new TreeMap<>();
            byWhat.forEach((what, n) -> totals.put(what, n.sum()));
            out.put(workflow, totals);
        });
        return out;
    }
}
