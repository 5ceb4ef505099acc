package dev.nubo.metrics;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The alert evaluator: handed the rules and every service's {@link AlertSample} at {@code now}, it
 * computes each rule's figure over the stretch since the previous evaluation, moves the rule through
 * {@link State} and returns the notifications to send (on firing and on resolving). It does no I/O
 * and reads no clock, so every transition is tested by stepping time; the server calls it on a timer
 * and hands the notifications to a {@link AlertNotifier}.
 *
 * <pre>{@code
 * Alerting alerting = new Alerting();
 * List<Alerting.Notification> out = alerting.evaluate(now, rules, samples);   // every interval
 * alerting.status();                                                          // GET /v1/alerts
 * }</pre>
 *
 * <p>The rules' states live in memory; the server keeps them in the store as they change and hands
 * them back with {@link #restore} after a restart, so a firing rule stays firing.
 */
public final class Alerting {

    /**
     * A rule's lifecycle:
     * <pre>
     * OK      -&gt; PENDING (the condition holds)  | FIRING (it holds, and the rule's duration is 0)
     * PENDING -&gt; FIRING  (it held for the duration) | OK (it stopped holding)
     * FIRING  -&gt; OK      (it stopped holding: resolved)
     * </pre>
     * A stretch with nothing to judge (no requests, for the request figures) counts as not holding.
     */
    public enum State { OK, PENDING, FIRING }

    /** What a target hears: the rule {@code state} ({@code FIRING}, or {@code OK} when resolved) at {@code at}. */
    public record Notification(AlertRule rule, State state, Instant at, String value) {
        /** {@code firing} or {@code resolved}. */
        public String event() {
            return state == State.FIRING ? "firing" : "resolved";
        }
    }

    /** How a notification went: {@code outcome} is {@code delivered} or what failed, after {@code attempts}. */
    public record Sent(Notification notification, String outcome, int attempts) {}

    /** A rule's state for listings, with its figure at the last evaluation and its last notifications, newest first. */
    public record Status(AlertRule rule, State state, Instant since, Optional<String> value, List<Sent> notifications) {}

    private static final int KEPT_NOTIFICATIONS = 5;

    private final Map<String, Tracked> rules = new HashMap<>();
    private Map<String, AlertSample> previous = Map.of();

    private static final class Tracked {
        AlertRule rule;
        State state = State.OK;
        Instant since;
        Optional<String> value = Optional.empty();
        final Deque<Sent> sent = new ArrayDeque<>();

        Tracked(AlertRule rule, Instant since) {
            this.rule = rule;
            this.since = since;
        }

        void move(State next, Instant now) {
            boolean legal = switch (state) {
                case OK -> next == State.PENDING || next == State.FIRING;
                case PENDING -> next == State.FIRING || next == State.OK;
                case FIRING -> next == State.OK;
            };
            if (!legal) {
                throw new IllegalStateException("alert " + rule.name() + " cannot move from " + state + " to " + next);
            }
            state = next;
            since = now;
        }
    }

    /**
     * Evaluates every rule at {@code now} against {@code samples} (by service; a service absent has
     * counted nothing) and returns the notifications due, in rule order.
     */
    public synchronized List<Notification> evaluate(Instant now, List<AlertRule> current, Map<String, AlertSample> samples) {
        List<Notification> due = new ArrayList<>();
        rules.keySet().retainAll(current.stream().map(AlertRule::name).toList());
        for (AlertRule rule : current) {
            Tracked t = rules.computeIfAbsent(rule.name(), n -> new Tracked(rule, now));
            if (!t.rule.equals(rule)) {
                rules.put(rule.name(), t = new Tracked(rule, now));  // a changed rule starts afresh, without a notification
            }
            AlertSample after = samples.getOrDefault(rule.service(), AlertSample.empty(rule.service()));
            AlertSample before = previous.getOrDefault(rule.service(), AlertSample.empty(rule.service()));
            OptionalDouble value = after.figure(rule.figure(), before);
            t.value = value.isPresent() ? Optional.of(rule.figure().format(value.getAsDouble())) : Optional.empty();
            boolean holds = value.isPresent() && value.getAsDouble() > rule.threshold();
            String shown = t.value.orElse("no requests");
            switch (t.state) {
                case OK -> {
                    if (holds && rule.hold().isZero()) {
                        t.move(State.FIRING, now);
                        due.add(new Notification(rule, State.FIRING, now, shown));
                    } else if (holds) {
                        t.move(State.PENDING, now);
                    }
                }
                case PENDING -> {
                    if (!holds) {
                        t.move(State.OK, now);
                    } else if (!now.isBefore(t.since.plus(rule.hold()))) {
                        t.move(State.FIRING, now);
                        due.add(new Notification(rule, State.FIRING, now, shown));
                    }
                }
                case FIRING -> {
                    if (!holds) {
                        t.move(State.OK, now);
                        due.add(new Notification(rule, State.OK, now, shown));
                    }
                }
            }
        }
        previous = Map.copyOf(samples);
        return due;
    }

    /**
     * Takes up a rule where an earlier server left it (the store keeps states across restarts): a
     * firing rule stays firing, so it notifies again only when it resolves. Call before the first
     * {@link #evaluate}; a rule already evaluated is left as it is.
     */
    public synchronized void restore(AlertRule rule, State state, Instant since, Optional<String> value) {
        rules.computeIfAbsent(rule.name(), n -> {
            Tracked t = new Tracked(rule, since);
            t.state = state;
            t.value = value;
            return t;
        });
    }

    /** Records how a notification went, for listings; one of a rule since deleted or changed is dropped. */
    public synchronized void sent(Sent sent) {
        Tracked t = rules.get(sent.notification().rule().name());
        if (t != null && t.rule.equals(sent.notification().rule())) {
            t.sent.addFirst(sent);
            while (t.sent.size() > KEPT_NOTIFICATIONS) {
                t.sent.removeLast();
            }
        }
    }

    /** Every rule evaluated so far, by name. */
    public synchronized List<Status> status() {
        return rules.values().stream().sorted(java.util.Comparator.comparing(t -> t.rule.name()))
                .map(t -> new Status(t.rule, t.state, t.since, t.value, List.copyOf(t.sent))).toList();
    }
}
