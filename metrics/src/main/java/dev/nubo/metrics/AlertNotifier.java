package dev.nubo.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers alert notifications off the evaluator's thread: each is sent on {@code executor} and, when
 * the send fails, sent again after each of {@code backoff}'s delays in turn; then it is given up on.
 * Every outcome (delivered, or the last failure) goes to {@code outcomes}, which the listing shows.
 *
 * <pre>{@code
 * AlertNotifier notifier = new AlertNotifier(send, AlertNotifier.BACKOFF, executor, alerting::sent);
 * notifier.notify(alerting.evaluate(now, rules, samples));  // returns at once
 * }</pre>
 */
public final class AlertNotifier {

    /** Sends one notification, blocking until the target took it; throws when it did not. */
    @FunctionalInterface
    public interface Sender {
        void send(Alerting.Notification notification) throws Exception;
    }

    /** Four attempts over about 35 s: enough for a receiver restarting, short enough that the listing soon tells the truth. */
    public static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20));

    private final Sender sender;
    private final List<Duration> backoff;
    private final ScheduledExecutorService executor;
    private final Consumer<Alerting.Sent> outcomes;

    public AlertNotifier(Sender sender, List<Duration> backoff, ScheduledExecutorService executor, Consumer<Alerting.Sent> outcomes) {
        this.sender = sender;
        this.backoff = List.copyOf(backoff);
        this.executor = executor;
        this.outcomes = outcomes;
    }

    /** Queues the notifications for delivery and returns. */
    public void notify(List<Alerting.Notification> notifications) {
        for (Alerting.Notification n : notifications) {
            executor.execute(() -> attempt(n, 1));
        }
    }

    private void attempt(Alerting.Notification n, int attempt) {
        try {
            sender.send(n);
            outcomes.accept(new Alerting.Sent(n, "delivered", attempt));
        } catch (Exception e) {
            if (attempt > backoff.size()) {
                outcomes.accept(new Alerting.Sent(n, "failed: " + e.getMessage(), attempt));
            } else {
                try {
                    executor.schedule(() -> attempt(n, attempt + 1), backoff.get(attempt - 1).toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    outcomes.accept(new Alerting.Sent(n, "failed: " + e.getMessage() + " (not retried: the server stopped)", attempt));
                }
            }
        }
    }
}
