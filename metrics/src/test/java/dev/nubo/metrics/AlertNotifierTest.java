package dev.nubo.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.store.AlertRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertNotifierTest {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final LinkedBlockingQueue<Alerting.Sent> outcomes = new LinkedBlockingQueue<>();
    private final Alerting.Notification firing = new Alerting.Notification(AlertRule.parse(new AlertRules.Rule("shop-errors", "shop",
            "error_rate > 5%", Duration.ZERO, "http://127.0.0.1:9/hook", Instant.EPOCH)), Alerting.State.FIRING, Instant.EPOCH, "50%");

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private Alerting.Sent outcome() throws InterruptedException {
        Alerting.Sent sent = outcomes.poll(60, TimeUnit.SECONDS);
        assertThat(sent).as("an outcome within a minute").isNotNull();
        return sent;
    }

    @Test
    void retriesAFailedSendAfterEachBackoffDelayUntilItIsDelivered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        new AlertNotifier(n -> {
            if (calls.incrementAndGet() < 3) {
                throw new java.io.IOException("connection refused");
            }
        }, List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO), executor, outcomes::add).notify(List.of(firing));

        assertThat(outcome()).isEqualTo(new Alerting.Sent(firing, "delivered", 3));
        assertThat(calls).hasValue(3);
    }

    @Test
    void givesUpAfterTheLastRetryAndSaysWhatFailed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        new AlertNotifier(n -> {
            calls.incrementAndGet();
            throw new java.io.IOException("503 from the receiver");
        }, List.of(Duration.ZERO, Duration.ZERO), executor, outcomes::add).notify(List.of(firing));

        assertThat(outcome()).isEqualTo(new Alerting.Sent(firing, "failed: 503 from the receiver", 3));
        assertThat(calls).hasValue(3);
    }

    @Test
    void returnsBeforeASlowSendFinishes() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        new AlertNotifier(n -> release.await(), List.of(), executor, outcomes::add).notify(List.of(firing));

        assertThat(outcomes).as("notify returned while the send still waits").isEmpty();
        release.countDown();
        assertThat(outcome().outcome()).isEqualTo("delivered");
    }
}
