package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResilienceSyntaxTest {

    private static final String SERVICE = "name: a\nruntime: process\ncommand: [x]\n";

    @Test
    void readsABreakerItsFallbackAndOutlierEjectionWithDefaults() {
        Resilience r = Descriptor.parse(SERVICE + """
                resilience:
                  circuitBreaker: {failures: 3, errorRate: 50%, minRequests: 20, window: 5s, openFor: 10s}
                  fallback: {status: 200, body: '{"items": []}', contentType: application/json}
                  outliers: {failures: 2, ejectFor: 1s}
                """).resilience();

        assertThat(r.breaker()).isEqualTo(new Resilience.Breaker(3, 50, 20, Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(r.breaker().text()).isEqualTo("3 failures in a row or 50% of 20+ in 5s, open 10s");
        assertThat(r.fallback()).isEqualTo(new Resilience.Fallback(200, "{\"items\": []}", "application/json", ""));
        assertThat(r.outliers()).isEqualTo(new Resilience.Outliers(2, Duration.ofSeconds(1)));
        assertThat(Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {}}\n").resilience().breaker())
                .isEqualTo(new Resilience.Breaker(5, 0, 10, Duration.ofSeconds(10), Duration.ofSeconds(30)));
        assertThat(Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {errorRate: 25}}\n").resilience().breaker().failures()).isZero();
        assertThat(Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {}, fallback: {service: b}}\n").resilience().fallback())
                .isEqualTo(new Resilience.Fallback(0, "", "", "b"));
        assertThat(Descriptor.parse(SERVICE + "resilience: {retries: {}}\n").resilience().retries()).isEqualTo(new Resilience.Retries(20));
        assertThat(Descriptor.parse(SERVICE + "resilience: {retries: {budget: 10%}}\n").resilience().retries().budgetPercent()).isEqualTo(10);
        assertThat(Descriptor.parse(SERVICE).resilience()).isEqualTo(Resilience.NONE);
        assertThat(Descriptor.parse(SERVICE).resilience().any()).isFalse();
    }

    @Test
    void refusesMalformedSettingsNamingTheField() {
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {failures: many}}\n"))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("nubo.yaml: `resilience.circuitBreaker.failures` must be a whole number from 1 to 1000, found 'many'");
                });
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {errorRate: 150%}}\n"))
                .hasMessage("nubo.yaml: `resilience.circuitBreaker.errorRate` must be a percentage from 1% to 100%, found '150%'");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {openFor: soon}}\n"))
                .hasMessageContaining("`resilience.circuitBreaker.openFor` must be a duration");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {tripAfter: 3}}\n"))
                .hasMessage("nubo.yaml: unknown field `resilience.circuitBreaker.tripAfter`");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {fallback: {status: 200}}\n"))
                .hasMessage("nubo.yaml: `resilience.fallback` needs `resilience.circuitBreaker`");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {}, fallback: {service: a}}\n"))
                .hasMessage("nubo.yaml: `resilience.fallback.service` names this service itself");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {circuitBreaker: {}, fallback: {service: b, status: 200}}\n"))
                .hasMessage("nubo.yaml: `resilience.fallback.service` goes alone");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {outliers: {ejectFor: 0s}}\n"))
                .hasMessageContaining("`resilience.outliers.ejectFor` must be between 100ms and 1h");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: {retries: {budget: 300%}}\n"))
                .hasMessage("nubo.yaml: `resilience.retries.budget` must be a percentage from 1% to 100%, found '300%'");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "resilience: true\n"))
                .hasMessage("nubo.yaml: `resilience` must be a mapping, found boolean true");
    }
}
