package dev.nubo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopViewTest {

    static final String SHOP = "revision=\"shop-00001\",service=\"shop\"";

    static String scrape(int ok, int failed, int fast, int slow, int ready, int desired, int held) {
        int all = ok + failed;
        return "nubo_gateway_requests_total{code=\"2xx\"," + SHOP + "} " + ok + ".0\n"
                + "nubo_gateway_requests_total{code=\"5xx\"," + SHOP + "} " + failed + ".0\n"
                + "nubo_gateway_request_duration_seconds_bucket{" + SHOP + ",le=\"0.005\"} " + fast + "\n"
                + "nubo_gateway_request_duration_seconds_bucket{" + SHOP + ",le=\"0.5\"} " + (fast + slow) + "\n"
                + "nubo_gateway_request_duration_seconds_bucket{" + SHOP + ",le=\"+Inf\"} " + all + "\n"
                + "nubo_instances{" + SHOP + ",state=\"ready\"} " + ready + ".0\n"
                + "nubo_instances{" + SHOP + ",state=\"starting\"} 1.0\n"
                + "nubo_autoscaler_desired_instances{" + SHOP + "} " + desired + ".0\n"
                + "nubo_gateway_hold_queue{" + SHOP + "} " + held + ".0\n";
    }

    @Test
    void showsRatesErrorsAndLatencyOfTheIntervalBetweenTwoScrapes() {
        TopView.Scrape before = TopView.Scrape.parse(scrape(100, 0, 100, 0, 1, 1, 0));
        TopView.Scrape now = TopView.Scrape.parse(scrape(190, 10, 150, 50, 2, 3, 4));

        assertThat(TopView.rows(before, now, Duration.ofSeconds(2))).containsExactly(
                new TopView.Row("shop", "shop-00001", 50.0, 10.0, "≤5ms", "≤500ms", 2, 3, 4));
    }

    @Test
    void showsNoLatencyForAnIntervalWithoutRequests() {
        TopView.Scrape same = TopView.Scrape.parse(scrape(5, 0, 5, 0, 1, 1, 0));
        assertThat(TopView.rows(same, same, Duration.ofSeconds(2))).singleElement()
                .satisfies(r -> assertThat(r.rps()).isZero())
                .satisfies(r -> assertThat(r.p99()).isEqualTo("-"));
    }
}
