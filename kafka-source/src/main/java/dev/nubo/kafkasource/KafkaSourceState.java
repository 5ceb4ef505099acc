package dev.nubo.kafkasource;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The lifecycle of a {@link KafkaSource}. Print {@link #diagram()} for the whole table:
 *
 * <pre>
 * STARTING -&gt; RUNNING | RETRYING | STOPPED
 * RUNNING  -&gt; RETRYING | STOPPED
 * RETRYING -&gt; RUNNING | STOPPED
 * STOPPED  (final)
 * </pre>
 *
 * There is no failed state: every fault (broker unreachable, sink failing, no permission on the topic)
 * may heal, so the source keeps retrying with a backoff and shows the cause until it does or is closed.
 */
public enum KafkaSourceState {
    /** Connecting and joining the consumer group; nothing polled yet. */
    STARTING,
    /** Polling, and the last batch was handed off and committed. */
    RUNNING,
    /** The last poll or hand-off failed; the same records are tried again after a backoff. */
    RETRYING,
    /** Closed: the consumer has left the group. */
    STOPPED;

    private static final Map<KafkaSourceState, Set<KafkaSourceState>> NEXT = new EnumMap<>(KafkaSourceState.class);

    static {
        NEXT.put(STARTING, EnumSet.of(RUNNING, RETRYING, STOPPED));
        NEXT.put(RUNNING, EnumSet.of(RETRYING, STOPPED));
        NEXT.put(RETRYING, EnumSet.of(RUNNING, STOPPED));
        NEXT.put(STOPPED, EnumSet.noneOf(KafkaSourceState.class));
    }

    public boolean canMoveTo(KafkaSourceState next) {
        return NEXT.get(this).contains(next);
    }

    /** Returns {@code next} (staying put is always allowed), or throws when the table forbids it: a bug in Nubo. */
    KafkaSourceState moveTo(KafkaSourceState next) {
        if (next != this && !canMoveTo(next)) {
            throw new IllegalStateException("illegal Kafka source transition " + this + " -> " + next + "; from "
                    + this + " only " + (isFinal() ? "nothing (final)" : names(NEXT.get(this))) + " is allowed");
        }
        return next;
    }

    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    /** The name as {@code nubo source list} shows it: {@code starting}, {@code running}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The transition table as text, one line per state. */
    public static String diagram() {
        StringBuilder out = new StringBuilder();
        for (KafkaSourceState s : values()) {
            out.append(String.format("%-8s ", s))
                    .append(s.isFinal() ? "(final)" : "-> " + names(NEXT.get(s)))
                    .append('\n');
        }
        return out.toString();
    }

    private static String names(Set<KafkaSourceState> states) {
        return states.stream().map(Enum::name).collect(Collectors.joining(" | "));
    }
}
