package dev.nubo.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway's {@code resilience:} rules did, per service, set at each scrape from the gateway's
 * own counts (as the limits' refusals are): the breaker's state and how often it opened and answered
 * in the service's place, the instances ejected for failing, and the retries.
 */
final class ResilienceMeters {

    private final PrometheusMeterRegistry registry;
    private final MultiGauge open;
    private final MultiGauge ejected;
    private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

    ResilienceMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        open = MultiGauge.builder("nubo.gateway.breaker.open")
                .description("1 while a service's circuit breaker is open or half-open, else 0").register(registry);
        ejected = MultiGauge.builder("nubo.gateway.ejected.instances")
                .description("A service's instances out of picking now for failing (resilience.outliers)").register(registry);
    }

    void update(List<Metrics.ResilienceState> states) {
        List<MultiGauge.Row<?>> opens = new ArrayList<>();
        List<MultiGauge.Row<?>> outs = new ArrayList<>();
        for (Metrics.ResilienceState s : states) {
            Tags tags = Tags.of("service", s.service());
            if (!s.breaker().equals("none")) {
                opens.add(MultiGauge.Row.of(tags, s.breaker().equals("closed") ? 0 : 1));
                counter("nubo.gateway.breaker.opened", "How often a service's circuit breaker opened", s.service()).set(s.opened());
                counter("nubo.gateway.breaker.refused", "Requests answered in a service's place while its breaker was open (503 or the fallback)",
                        s.service()).set(s.refused());
            }
            outs.add(MultiGauge.Row.of(tags, s.ejected()));
            counter("nubo.gateway.ejections", "How often one of a service's instances was ejected for failing", s.service()).set(s.ejections());
            counter("nubo.gateway.retries", "Requests sent to another instance after a 502 or 503 (resilience.retries)", s.service()).set(s.retries());
            counter("nubo.gateway.retries.over.budget", "Retries the retry budget refused: the caller got the 502 or 503", s.service())
                    .set(s.retriesOverBudget());
        }
        open.register(opens, true);
        ejected.register(outs, true);
    }

    private AtomicLong counter(String name, String description, String service) {
        return counters.computeIfAbsent(name + "\n" + service, k -> {
            AtomicLong total = new AtomicLong();
            FunctionCounter.builder(name, total, AtomicLong::get).description(description).tags("service", service).register(registry);
            return total;
        });
    }
}
