package dev.nubo.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.gateway.Meters;
import dev.nubo.model.UserError;
import dev.nubo.store.AlertRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator stepped by hand: every figure, and the pending → firing → resolved path, without a clock. */
class AlertingTest {

    private static final Instant T0 = Instant.parse("2026-12-03T16:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final Metrics metrics = Metrics.create();
    private final Meters.RevisionMeter shop = metrics.gateway().revision("shop", "shop-00001");
    private final Alerting alerting = new Alerting();

    static AlertRule rule(String condition, Duration hold) {
        return AlertRule.parse(new AlertRules.Rule("shop-alert", "shop", condition, hold, "http://127.0.0.1:9/hook", T0));
    }

    private List<Alerting.Notification> evaluateAt(int seconds, AlertRule rule) {
        return alerting.evaluate(T0.plusSeconds(seconds), List.of(rule), metrics.alertSamples());
    }

    private void answer(int times, int status, long millis) {
        for (int i = 0; i < times; i++) {
            shop.answered(status, millis * 1_000_000, 0, 0);
        }
    }

    private Alerting.Status status() {
        return alerting.status().getFirst();
    }

    @Test
    void anErrorRateThatHoldsForItsDurationGoesPendingThenFiresThenResolves() {
        AlertRule rule = rule("error_rate > 5%", MINUTE);
        answer(90, 200, 1);
        answer(10, 503, 1);

        assertThat(evaluateAt(0, rule)).isEmpty();
        assertThat(status().state()).isEqualTo(Alerting.State.PENDING);
        assertThat(status().value()).contains("10%");

        answer(10, 500, 1);
        assertThat(evaluateAt(30, rule)).as("held 30 s of its minute").isEmpty();
        answer(10, 500, 1);
        List<Alerting.Notification> fired = evaluateAt(60, rule);
        assertThat(fired).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("firing");
            assertThat(n.value()).isEqualTo("100%");
            assertThat(n.at()).isEqualTo(T0.plusSeconds(60));
        });
        assertThat(status().state()).isEqualTo(Alerting.State.FIRING);
        assertThat(status().since()).isEqualTo(T0.plusSeconds(60));

        answer(50, 200, 1);
        answer(50, 200, 1);
        assertThat(evaluateAt(75, rule)).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("resolved");
            assertThat(n.value()).isEqualTo("0%");
        });
        assertThat(status().state()).isEqualTo(Alerting.State.OK);
    }

    @Test
    void aFiringRuleTakenUpAfterARestartStaysFiringWithoutANewNotificationAndThenResolves() {
        AlertRule rule = rule("error_rate > 5%", MINUTE);
        alerting.restore(rule, Alerting.State.FIRING, T0.minusSeconds(30), java.util.Optional.of("40%"));
        assertThat(status().state()).isEqualTo(Alerting.State.FIRING);
        assertThat(status().since()).isEqualTo(T0.minusSeconds(30));

        answer(10, 503, 1);
        assertThat(evaluateAt(0, rule)).as("still firing: no second notification").isEmpty();
        assertThat(status().state()).isEqualTo(Alerting.State.FIRING);
        assertThat(status().since()).isEqualTo(T0.minusSeconds(30));

        answer(10, 200, 1);
        assertThat(evaluateAt(15, rule)).singleElement().extracting(Alerting.Notification::event).isEqualTo("resolved");
    }

    @Test
    void aPendingRuleWhoseConditionStopsHoldingReturnsToOkWithoutNotifying() {
        AlertRule rule = rule("error_rate > 5%", MINUTE);
        answer(1, 500, 1);
        assertThat(evaluateAt(0, rule)).isEmpty();
        answer(100, 200, 1);

        assertThat(evaluateAt(30, rule)).isEmpty();
        assertThat(status().state()).isEqualTo(Alerting.State.OK);
        assertThat(status().value()).contains("0%");
    }

    @Test
    void aStretchWithoutRequestsNeitherFiresNorKeepsARulePending() {
        AlertRule rule = rule("error_rate > 5%", Duration.ZERO);
        assertThat(evaluateAt(0, rule)).isEmpty();
        assertThat(status().value()).isEmpty();
        answer(3, 500, 1);
        assertThat(evaluateAt(15, rule)).as("a zero duration fires at once").extracting(Alerting.Notification::event).containsExactly("firing");
        assertThat(evaluateAt(30, rule)).as("no requests: nothing holds").extracting(Alerting.Notification::event).containsExactly("resolved");
    }

    @Test
    void p99IsTheUpperBoundOfTheBucketItsRequestsFellInOverTheLastStretchOnly() {
        AlertRule rule = rule("p99 > 500ms", Duration.ZERO);
        answer(100, 200, 2_000);
        assertThat(evaluateAt(0, rule)).extracting(Alerting.Notification::value).containsExactly("2500ms");

        answer(1000, 200, 20);
        assertThat(evaluateAt(15, rule)).as("the slow ones were in the previous stretch")
                .extracting(Alerting.Notification::event).containsExactly("resolved");
        assertThat(status().value()).contains("25ms");
        assertThat(rule("p99 > 1s", MINUTE).threshold()).isEqualTo(1000);
    }

    @Test
    void p99CountsEveryRequestAtOrUnderABucketNotJustThoseInIt() {
        AlertRule rule = rule("p99 > 500ms", Duration.ZERO);
        answer(50, 200, 1);
        answer(50, 200, 400);
        assertThat(evaluateAt(0, rule)).isEmpty();
        assertThat(status().value()).contains("500ms");
        answer(1, 200, 60_000);
        assertThat(evaluateAt(15, rule)).extracting(Alerting.Notification::value).containsExactly("over 30s");
    }

    @Test
    void coldStartRateIsTheShareOfRequestsThatFoundNoReadyInstance() {
        AlertRule rule = rule("cold_starts > 10%", Duration.ZERO);
        answer(4, 200, 1);
        shop.coldStart(1_000_000, 1_000_000);

        assertThat(evaluateAt(0, rule)).extracting(Alerting.Notification::value).containsExactly("25%");
    }

    @Test
    void deadLettersFireWhenTheyGrowBetweenEvaluationsAndResolveWhenTheyStop() {
        AlertRule rule = rule("dead_letters > 0", Duration.ZERO);
        assertThat(alerting.evaluate(T0, List.of(rule), Map.of("shop", AlertSample.empty("shop").with(3, 0, 0))))
                .extracting(Alerting.Notification::value).containsExactly("3");
        assertThat(alerting.evaluate(T0.plusSeconds(15), List.of(rule), Map.of("shop", AlertSample.empty("shop").with(3, 0, 0))))
                .extracting(Alerting.Notification::event).containsExactly("resolved");
        assertThat(alerting.evaluate(T0.plusSeconds(30), List.of(rule), Map.of("shop", AlertSample.empty("shop").with(1, 0, 0))))
                .as("a trigger deleted and made again counts from zero").extracting(Alerting.Notification::value).containsExactly("1");
    }

    @Test
    void anInstanceRestartingOrWaitingInBackoffIsCrashing() {
        AlertRule rule = rule("crashing > 0", Duration.ofSeconds(30));
        assertThat(alerting.evaluate(T0, List.of(rule), Map.of("shop", AlertSample.empty("shop").with(0, 2, 0)))).isEmpty();
        assertThat(status().state()).isEqualTo(Alerting.State.PENDING);
        assertThat(alerting.evaluate(T0.plusSeconds(30), List.of(rule), Map.of("shop", AlertSample.empty("shop").with(0, 2, 1))))
                .as("no new restart, but one waits to restart").extracting(Alerting.Notification::event).containsExactly("firing");
        assertThat(alerting.evaluate(T0.plusSeconds(45), List.of(rule), Map.of("shop", AlertSample.empty("shop").with(0, 2, 0))))
                .extracting(Alerting.Notification::event).containsExactly("resolved");
    }

    @Test
    void aChangedRuleStartsAfreshAndADeletedOneIsForgotten() {
        answer(10, 500, 1);
        evaluateAt(0, rule("error_rate > 5%", Duration.ZERO));
        assertThat(status().state()).isEqualTo(Alerting.State.FIRING);

        answer(10, 500, 1);
        assertThat(evaluateAt(15, rule("error_rate > 5%", MINUTE))).isEmpty();
        assertThat(status().state()).isEqualTo(Alerting.State.PENDING);

        alerting.evaluate(T0.plusSeconds(30), List.of(), metrics.alertSamples());
        assertThat(alerting.status()).isEmpty();
    }

    @Test
    void refusesBadRulesNamingTheField() {
        assertThatThrownBy(() -> rule("error_rate >= 5%", MINUTE)).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.getMessage()).isEqualTo("when: 'error_rate >= 5%' is not a condition");
            assertThat(e.hint()).startsWith("write it as FIGURE > THRESHOLD: error_rate > 5%");
        });
        assertThatThrownBy(() -> rule("errors > 5%", MINUTE)).hasMessage("when: 'errors' is not a figure alerts watch");
        assertThatThrownBy(() -> rule("error_rate > 5ms", MINUTE)).hasMessage("when: error_rate takes %, not 'ms'");
        assertThatThrownBy(() -> rule("p99 > 5%", MINUTE)).hasMessage("when: p99 takes ms or s, not '%'");
        assertThatThrownBy(() -> rule("error_rate > 5%", Duration.ofSeconds(-1))).hasMessageStartingWith("for: ");
        assertThatThrownBy(() -> AlertRule.parse(new AlertRules.Rule("x", "shop", "crashing > 0", MINUTE, "ftp://h/x", T0)))
                .hasMessage("notify: 'ftp://h/x' is not an http(s) URL, a service or a broker");
        assertThatThrownBy(() -> AlertRule.parse(new AlertRules.Rule("x", "Shop", "crashing > 0", MINUTE, "broker:ops", T0)))
                .hasMessage("service: 'Shop' is not a name");
        assertThat(AlertRule.parse(new AlertRules.Rule("x", "shop", "crashing > 0", MINUTE, "broker:ops", T0)).target())
                .isEqualTo(new AlertRule.Target.Broker("ops"));
        assertThat(rule("error_rate > 2.5%", MINUTE).condition()).isEqualTo("error_rate > 2.5%");
    }
}
