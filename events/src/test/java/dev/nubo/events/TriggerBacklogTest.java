package dev.nubo.events;

import static dev.nubo.events.Fixtures.count;
import static dev.nubo.events.Fixtures.event;
import static dev.nubo.events.Fixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nubo.eventsink.Destination;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A trigger's {@code maxPending}: how its backlog is bounded, what it says, and where the events it cannot take go. */
class TriggerBacklogTest {

    static final String FULL_REASON = "not queued: trigger orders already had 3 deliveries pending (its maxPending); replay it with"
            + " `nubo events replay --trigger orders` once the trigger has caught up";

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
    @RegisterExtension
    final Harness harness = new Harness();
    final TargetServer target = harness.target;
    final Eventing eventing = harness.open(clock);

    private int storedDeliveries() {
        return storedDeliveries("");
    }

    private int storedDeliveries(String where) {
        return count(harness.log(), "deliveries " + where);
    }

    @Test
    void aTriggerWhoseBacklogIsFullDeadLettersNewEventsWithTheReasonAndSaysSo() throws Exception {
        target.answer = r -> new TargetServer.Answer(503, Map.of("Retry-After", "3600"), "busy");
        eventing.createTrigger(trigger("{'name':'orders','to':'orders','maxPending':3}"));
        for (int i = 1; i <= 5; i++) {
            eventing.ingest("default", List.of(event("e" + i, "order.created"))).get(5, TimeUnit.SECONDS);
        }

        TriggerStatus full = eventing.trigger("orders");
        assertThat(full.trigger().maxPending()).isEqualTo(3);
        assertThat(full.pending()).isEqualTo(3);
        assertThat(full.deadLettered()).isEqualTo(2);
        assertThat(full.backlogFull()).isTrue();
        assertThat(storedDeliveries()).isEqualTo(3);
        List<DeadLetter> dead = eventing.deadLetters().list(Optional.of("trigger:orders"), 10);
        assertThat(dead).extracting(Fixtures::eventId).containsExactly("e4", "e5");
        assertThat(dead).extracting(DeadLetter::reason).containsOnly(FULL_REASON);
        assertThat(dead.getFirst().attempts()).isZero();
        assertThat(dead.getFirst().to()).isEqualTo("service:orders");

        // The service recovers: the backlog drains, the trigger takes events again, and the dead letters replay.
        await().atMost(10, TimeUnit.SECONDS).until(() -> storedDeliveries("WHERE attempts = 1") == 3); // each waits an hour
        target.answer = r -> TargetServer.Answer.ok();
        clock.advance(Duration.ofHours(1));
        eventing.dispatcher.wake();
        await().atMost(10, TimeUnit.SECONDS).until(() -> eventing.trigger("orders").delivered() == 3);
        TriggerStatus drained = eventing.trigger("orders");
        assertThat(drained.pending()).isZero();
        assertThat(drained.backlogFull()).isFalse();
        eventing.deadLetters().replayAll(Optional.of("trigger:orders"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> eventing.trigger("orders").delivered() == 5);
    }

    @Test
    void twoTriggersWhoseServiceAnswersWithTheTypeTheyTakeStayWithinTheirBacklogsAndTheLoopEnds() {
        // Every ping delivered comes back as a ping, which both triggers take: without a bound, 2^n deliveries at hop n.
        // With it, about one slot's worth per hop goes on (the reply taking the slot its delivery freed), the
        // rest is dead-lettered, and the 32-hop cut ends each chain.
        AtomicInteger mostPending = new AtomicInteger();
        target.answer = r -> {
            for (String t : List.of("ping-a", "ping-b")) {
                mostPending.accumulateAndGet(eventing.trigger(t).pending(), Math::max);
            }
            return new TargetServer.Answer(200, Map.of("ce-specversion", "1.0", "ce-id", "pong", "ce-source", "/echo", "ce-type", "ping"), "");
        };
        eventing.createTrigger(trigger("{'name':'ping-a','to':'echo-a','maxPending':4,'filters':[{'attribute':'type','value':'ping'}]}"));
        eventing.createTrigger(trigger("{'name':'ping-b','to':'echo-b','maxPending':4,'filters':[{'attribute':'type','value':'ping'}]}"));
        eventing.ingest("default", List.of(event("p1", "ping"))).join();

        await().atMost(60, TimeUnit.SECONDS).until(() -> mostPending.get() > 4 || (storedDeliveries() == 0
                && eventing.trigger("ping-a").pending() == 0 && eventing.trigger("ping-b").pending() == 0));
        assertThat(mostPending.get()).as("the most deliveries one trigger had pending").isLessThanOrEqualTo(4);
        List<DeadLetter> dead = eventing.deadLetters().list(Optional.empty(), 10_000);
        assertThat(dead).extracting(DeadLetter::reason)
                .anyMatch(r -> r.startsWith("not queued: trigger ping-"))
                .allMatch(r -> r.startsWith("not queued: trigger ping-") || r.startsWith("a reply chain longer than 32 hops was cut"));
    }

    @Test
    void maxPendingDefaultsToTenThousandAndMustBeBetweenOneAndAMillion() {
        assertThat(eventing.createTrigger(trigger("{'name':'orders','to':'orders'}")).trigger().maxPending()).isEqualTo(10_000);
        assertThatThrownBy(() -> new Trigger("zero", "default", List.of(), new Destination.Service("orders", "/"), DeliveryPolicy.defaults(),
                0, Instant.now())).hasMessage("maxPending must be between 1 and 1000000, not 0");
    }
}
