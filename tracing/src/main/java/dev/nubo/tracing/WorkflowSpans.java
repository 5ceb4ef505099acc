package dev.nubo.tracing;

import dev.nubo.workflows.WorkflowTracer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Turns what workflow runs tell into spans, one trace per execution:
 * <pre>
 * workflow NAME        SERVER   the execution's start → end (made when it ends on this node)
 * ├─ STATE            INTERNAL  entering a state → leaving it (CLIENT for a Task: it sent work out)
 * └─ …
 * </pre>
 * The trace id and the execution's span id are derived from the execution's id, so the states of an
 * execution that waited for a token, or resumed after a restart, land in the same trace without storing
 * anything, and {@code nubo trace} finds it by the workflow's name.
 */
final class WorkflowSpans {

    private static final HexFormat HEX = HexFormat.of();

    private final RandomGenerator random;

    WorkflowSpans(RandomGenerator random) {
        this.random = random;
    }

    Span span(WorkflowTracer.StateRun run) {
        String[] ids = ids(run.executionId());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("nubo.execution", run.executionId());
        attributes.put("nubo.state_type", run.type());
        run.resource().ifPresent(r -> attributes.put("nubo.resource", r));
        if (!run.branch().isEmpty()) {
            attributes.put("nubo.branch", run.branch());
        }
        attributes.put("nubo.outcome", run.outcome());
        long id = random.nextLong();
        return new Span(ids[0], HEX.toHexDigits(id == 0 ? 1 : id), Optional.of(ids[1]), run.state(),
                run.type().equals("Task") ? Span.Kind.CLIENT : Span.Kind.INTERNAL, run.workflow(), DeliverySpans.nanos(run.start()),
                DeliverySpans.nanos(run.end()), run.outcome().equals("failed"), attributes);
    }

    Span span(WorkflowTracer.ExecutionRun run) {
        String[] ids = ids(run.executionId());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("nubo.execution", run.executionId());
        attributes.put("nubo.execution_name", run.name());
        attributes.put("nubo.status", run.status());
        if (!run.error().isEmpty()) {
            attributes.put("error.message", run.error());
        }
        return new Span(ids[0], ids[1], Optional.empty(), "workflow " + run.workflow(), Span.Kind.SERVER, run.workflow(),
                DeliverySpans.nanos(run.start()), DeliverySpans.nanos(run.end()), !run.status().equals("SUCCEEDED"), attributes);
    }

    /** The execution's trace id and its own span's id: the first 24 bytes of a SHA-256 of its id. */
    static String[] ids(String executionId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("nubo-execution:" + executionId).getBytes(StandardCharsets.UTF_8));
            return new String[] {HEX.formatHex(hash, 0, 16), HEX.formatHex(hash, 16, 24)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
