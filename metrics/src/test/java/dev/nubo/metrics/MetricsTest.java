package dev.nubo.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.gateway.Meters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void countsAnswersByStatusClassWithLatencyAndBytesPerRevision() {
        Metrics metrics = Metrics.create();
        Meters.RevisionMeter shop = metrics.gateway().revision("shop", "shop-00001");
        shop.answered(200, 3_000_000, 10, 100);
        shop.answered(204, 20_000_000, 0, 0);
        shop.answered(503, 2_000_000_000L, 0, 50);
        shop.answered(499, 1_000_000, 5, 0);

        String text = metrics.scrape();

        assertThat(text).contains("nubo_gateway_requests_total{code=\"2xx\",revision=\"shop-00001\",service=\"shop\"} 2.0")
                .contains("nubo_gateway_requests_total{code=\"5xx\",revision=\"shop-00001\",service=\"shop\"} 1.0")
                .contains("nubo_gateway_requests_total{code=\"4xx\",revision=\"shop-00001\",service=\"shop\"} 1.0")
                .contains("nubo_gateway_request_duration_seconds_bucket{revision=\"shop-00001\",service=\"shop\",le=\"0.005\"} 2")
                .contains("nubo_gateway_request_duration_seconds_bucket{revision=\"shop-00001\",service=\"shop\",le=\"0.025\"} 3")
                .contains("nubo_gateway_request_duration_seconds_count{revision=\"shop-00001\",service=\"shop\"} 4")
                .contains("nubo_gateway_request_body_bytes_total{revision=\"shop-00001\",service=\"shop\"} 15.0")
                .contains("nubo_gateway_response_body_bytes_total{revision=\"shop-00001\",service=\"shop\"} 150.0")
                .doesNotContain("code=\"1xx\"")
                .contains("jvm_memory_used_bytes");
        assertThat(metrics.traffic()).containsExactly(new Metering.RevisionTraffic("shop", "shop-00001", 4, 2_024_000_000L, 15, 150));
    }

    @Test
    void givesARevisionsTotalsAsTheScrapeCountsThem() {
        Metrics metrics = Metrics.create();
        assertThat(metrics.totals("shop-00001")).as("never routed").isEmpty();
        Meters.RevisionMeter shop = metrics.gateway().revision("shop", "shop-00001");
        shop.answered(200, 3_000_000, 10, 100);
        shop.answered(503, 20_000_000, 0, 0);
        shop.coldStart(40_000_000, 4_000_000);

        Metrics.RevisionTotals totals = metrics.totals("shop-00001").orElseThrow();

        assertThat(totals.requests()).isEqualTo(Map.of("2xx", 1L, "5xx", 1L));
        assertThat(totals.answered()).isEqualTo(2);
        assertThat(totals.coldStarts()).isEqualTo(1);
        assertThat(totals.latency()).hasSize(13).startsWith(new Metrics.Bucket(0.001, 0), new Metrics.Bucket(0.005, 1))
                .contains(new Metrics.Bucket(0.025, 2)).endsWith(new Metrics.Bucket(30, 2));
    }

    @Test
    void forgetsTheMetersOfRevisionsThatNoLongerExist() {
        Metrics metrics = Metrics.create();
        metrics.gateway().revision("shop", "shop-00001").answered(200, 1_000_000, 0, 0);
        metrics.gateway().revision("cart", "cart-00001").answered(200, 1_000_000, 0, 0);
        metrics.instanceStarted("cart", "cart-00001", Duration.ofMillis(30), false);

        long read = System.nanoTime();
        metrics.gateway().revision("new", "new-00001").answered(200, 1_000_000, 0, 0);  // deployed while the store was read
        metrics.retainOnly(java.util.Set.of("shop-00001"), read);

        assertThat(metrics.scrape()).contains("revision=\"shop-00001\"").contains("revision=\"new-00001\"").doesNotContain("cart");
        metrics.gateway().revision("cart", "cart-00001").answered(200, 1_000_000, 0, 0);
        assertThat(metrics.scrape()).as("deployed again: counted from zero")
                .contains("nubo_gateway_requests_total{code=\"2xx\",revision=\"cart-00001\",service=\"cart\"} 1.0");
    }

    @Test
    void resolvesOneMeterPerRevisionSoTheRequestPathHoldsItAcrossRouteTables() {
        Metrics metrics = Metrics.create();
        assertThat(metrics.gateway().revision("shop", "shop-00001")).isSameAs(metrics.gateway().revision("shop", "shop-00001"));
    }

    @Test
    void splitsAColdStartIntoHoldAndFirstResponse() {
        Metrics metrics = Metrics.create();
        Meters.RevisionMeter shop = metrics.gateway().revision("shop", "shop-00001");
        shop.held(40_000_000);
        shop.coldStart(40_000_000, 4_000_000);
        metrics.instanceStarted("shop", "shop-00001", Duration.ofMillis(35), true);

        String text = metrics.scrape();

        assertThat(text).contains("nubo_cold_start_duration_seconds_count{revision=\"shop-00001\",service=\"shop\"} 1")
                .contains("nubo_cold_start_duration_seconds_sum{revision=\"shop-00001\",service=\"shop\"} 0.044")
                .contains("nubo_cold_start_phase_duration_seconds_sum{phase=\"hold\",revision=\"shop-00001\",service=\"shop\"} 0.04")
                .contains("nubo_cold_start_phase_duration_seconds_sum{phase=\"first_response\",revision=\"shop-00001\",service=\"shop\"} 0.004")
                .contains("nubo_gateway_hold_duration_seconds_count{revision=\"shop-00001\",service=\"shop\"} 1")
                .contains("nubo_instance_start_duration_seconds_sum{pooled=\"true\",revision=\"shop-00001\",service=\"shop\"} 0.035");
    }

    @Test
    void readsTheControlPlaneAtEachScrapeAndDropsRevisionsThatAreGone() {
        Metrics metrics = Metrics.create();
        List<Metrics.RevisionState> fleet = new ArrayList<>(List.of(
                new Metrics.RevisionState("shop", "shop-00001", Map.of("READY", 2, "STARTING", 1), 4, 3, 2)));
        metrics.fleet(() -> List.copyOf(fleet));
        metrics.triggers(() -> List.of(new Metrics.TriggerCounts("orders", "default", 7, 1, 2)));
        metrics.executions(() -> List.of(new dev.nubo.store.WorkflowLog.StatusCount("approval", "RUNNING", 3)));
        metrics.processes(() -> fleet.isEmpty() ? List.of()
                : List.of(new Metrics.InstanceUsage("shop", "shop-00001", "shop-00001-abcde", 1.25, 30L << 20)));

        assertThat(metrics.scrape())
                .contains("nubo_instances{revision=\"shop-00001\",service=\"shop\",state=\"ready\"} 2.0")
                .contains("nubo_instances{revision=\"shop-00001\",service=\"shop\",state=\"starting\"} 1.0")
                .contains("nubo_gateway_hold_queue{revision=\"shop-00001\",service=\"shop\"} 4.0")
                .contains("nubo_autoscaler_desired_instances{revision=\"shop-00001\",service=\"shop\"} 3.0")
                .contains("nubo_autoscaler_actual_instances{revision=\"shop-00001\",service=\"shop\"} 2.0")
                .contains("nubo_events_delivered{broker=\"default\",trigger=\"orders\"} 7.0")
                .contains("nubo_events_dead_lettered{broker=\"default\",trigger=\"orders\"} 1.0")
                .contains("nubo_events_pending{broker=\"default\",trigger=\"orders\"} 2.0")
                .contains("nubo_workflow_executions{status=\"running\",workflow=\"approval\"} 3.0")
                .contains("nubo_instance_cpu_seconds{instance=\"shop-00001-abcde\",revision=\"shop-00001\",service=\"shop\"} 1.25")
                .contains("nubo_instance_memory_rss_bytes{instance=\"shop-00001-abcde\",revision=\"shop-00001\",service=\"shop\"} 3.145728E7");

        fleet.clear();
        assertThat(metrics.scrape()).doesNotContain("nubo_instances{").doesNotContain("nubo_autoscaler_desired_instances{")
                .doesNotContain("nubo_instance_cpu_seconds{");
    }

    @Test
    void countsWhatEachServiceLimitRefusedAtEachScrape() {
        Metrics metrics = Metrics.create();
        java.util.concurrent.atomic.AtomicLong overRate = new java.util.concurrent.atomic.AtomicLong(37);
        metrics.limits(() -> List.of(new Metrics.LimitRefusals("shop", "rate", overRate.get()),
                new Metrics.LimitRefusals("shop", "concurrency", 2)));

        assertThat(metrics.scrape())
                .contains("nubo_gateway_limit_refused_total{limit=\"rate\",service=\"shop\"} 37.0")
                .contains("nubo_gateway_limit_refused_total{limit=\"concurrency\",service=\"shop\"} 2.0");
        overRate.set(40);
        assertThat(metrics.scrape()).contains("nubo_gateway_limit_refused_total{limit=\"rate\",service=\"shop\"} 40.0");
    }

    @Test
    void showsEachServicesBreakerAndEjectionsAtEachScrape() {
        Metrics metrics = Metrics.create();
        java.util.concurrent.atomic.AtomicReference<String> state = new java.util.concurrent.atomic.AtomicReference<>("open");
        metrics.resilience(() -> List.of(new Metrics.ResilienceState("shop", state.get(), 2, 17, 1, 3, 5, 1),
                new Metrics.ResilienceState("cart", "none", 0, 0, 0, 1, 0, 0)));

        assertThat(metrics.scrape())
                .contains("nubo_gateway_breaker_open{service=\"shop\"} 1.0")
                .contains("nubo_gateway_breaker_opened_total{service=\"shop\"} 2.0")
                .contains("nubo_gateway_breaker_refused_total{service=\"shop\"} 17.0")
                .contains("nubo_gateway_ejected_instances{service=\"shop\"} 1.0")
                .contains("nubo_gateway_ejections_total{service=\"cart\"} 1.0")
                .contains("nubo_gateway_retries_total{service=\"shop\"} 5.0")
                .contains("nubo_gateway_retries_over_budget_total{service=\"shop\"} 1.0")
                .doesNotContain("nubo_gateway_breaker_open{service=\"cart\"}");
        state.set("closed");
        assertThat(metrics.scrape()).contains("nubo_gateway_breaker_open{service=\"shop\"} 0.0");
    }

    @Test
    void countsEventsIngestedPerBrokerAndRetriesPerTriggerAtEachScrape() {
        Metrics metrics = Metrics.create();
        java.util.concurrent.atomic.AtomicLong ingested = new java.util.concurrent.atomic.AtomicLong(3);
        metrics.events(() -> new Metrics.EventCounts(java.util.Map.of("orders", ingested.get()), java.util.Map.of("ship", 2L)));

        assertThat(metrics.scrape()).contains("nubo_events_ingested_total{broker=\"orders\"} 3.0")
                .contains("nubo_events_retried_total{trigger=\"ship\"} 2.0");
        ingested.set(5);
        assertThat(metrics.scrape()).contains("nubo_events_ingested_total{broker=\"orders\"} 5.0");
    }

    @Test
    void countsWorkflowExecutionsStartedAndEndedAndTimesTheirStates() {
        Metrics metrics = Metrics.create();
        metrics.workflows(() -> java.util.Map.of("orders", java.util.Map.of("started", 3L, "succeeded", 1L, "timed_out", 1L)));
        metrics.workflowState("orders", "Task", java.time.Duration.ofMillis(20));
        metrics.workflowState("orders", "Task", java.time.Duration.ofMillis(3));

        assertThat(metrics.scrape()).contains("nubo_workflow_executions_started_total{workflow=\"orders\"} 3.0")
                .contains("nubo_workflow_executions_ended_total{status=\"succeeded\",workflow=\"orders\"} 1.0")
                .contains("nubo_workflow_executions_ended_total{status=\"timed_out\",workflow=\"orders\"} 1.0")
                .contains("nubo_workflow_state_duration_seconds_count{type=\"Task\",workflow=\"orders\"} 2")
                .contains("nubo_workflow_state_duration_seconds_bucket{type=\"Task\",workflow=\"orders\",le=\"0.005\"} 1");
    }
}
