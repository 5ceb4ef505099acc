package dev.nubo.instances;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The lifecycle of an {@link Instance}. Print {@link #diagram()} for the whole table:
 *
 * <pre>
 * STARTING -&gt; READY | BACKOFF | DRAINING | STOPPED | FAILED
 * READY    -&gt; BACKOFF | DRAINING | STOPPED | FAILED
 * BACKOFF  -&gt; STARTING | DRAINING | STOPPED
 * DRAINING -&gt; STOPPED
 * STOPPED  (final)
 * FAILED   (final)
 * </pre>
 *
 * Only READY instances take traffic. BACKOFF means the process is gone and a restart is scheduled;
 * DRAINING means the caller has taken the instance out of routing and no restart will happen.
 */
public enum InstanceState {
    /** A process is running and being probed for readiness. */
    STARTING,
    /** The process answers its readiness probe: route to it. */
    READY,
    /** The process exited; a new one starts after a backoff delay. */
    BACKOFF,
    /** Out of routing, waiting to be stopped; never restarted. */
    DRAINING,
    /** Stopped on purpose; no process left. */
    STOPPED,
    /** Gave up: a failed first start or a crash loop; no process left. */
    FAILED;

    private static final Map<InstanceState, Set<InstanceState>> NEXT = new EnumMap<>(InstanceState.class);

    static {
        NEXT.put(STARTING, EnumSet.of(READY, BACKOFF, DRAINING, STOPPED, FAILED));
        NEXT.put(READY, EnumSet.of(BACKOFF, DRAINING, STOPPED, FAILED));
        // BACKOFF -> DRAINING lets drain() win a race with a crash: the caller just saw READY.
        NEXT.put(BACKOFF, EnumSet.of(STARTING, DRAINING, STOPPED));
        NEXT.put(DRAINING, EnumSet.of(STOPPED));
        NEXT.put(STOPPED, EnumSet.noneOf(InstanceState.class));
        NEXT.put(FAILED, EnumSet.noneOf(InstanceState.class));
    }

    public boolean canMoveTo(InstanceState next) {
        return NEXT.get(this).contains(next);
    }

    /** Returns {@code next}, or throws when the table does not allow it: that is a bug in Nubo. */
    InstanceState moveTo(InstanceState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("illegal instance transition " + this + " -> " + next + "; from "
                    + this + " only " + (isFinal() ? "nothing (final)" : names(NEXT.get(this))) + " is allowed");
        }
        return next;
    }

    /** STOPPED and FAILED: no process, nothing more will happen. */
    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    /** The transition table as text, one line per state. */
    public static String diagram() {
        StringBuilder out = new StringBuilder();
        for (InstanceState s : values()) {
            out.append(String.format("%-8s ", s))
                    .append(s.isFinal() ? "(final)" : "-> " + names(NEXT.get(s)))
                    .append('\n');
        }
        return out.toString();
    }

    private static String names(Set<InstanceState> states) {
        return states.stream().map(Enum::name).collect(Collectors.joining(" | "));
    }
}
