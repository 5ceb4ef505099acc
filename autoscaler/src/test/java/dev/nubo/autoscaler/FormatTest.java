package dev.nubo.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void writesLoadWithAtMostOneDecimalAndNoTrailingZero() {
        assertThat(Format.load(48.0)).isEqualTo("48");
        assertThat(Format.load(14.24)).isEqualTo("14.2");
        assertThat(Format.load(47.96)).isEqualTo("48");
        assertThat(Format.load(100)).isEqualTo("100");
        assertThat(Format.load(0)).isEqualTo("0");
    }

    @Test
    void countsInstancesInTheSingularOnlyForOne() {
        assertThat(Format.instances(1)).isEqualTo("1 instance");
        assertThat(Format.instances(0)).isEqualTo("0 instances");
        assertThat(Format.instances(5)).isEqualTo("5 instances");
    }

    @Test
    void countsRequestsInTheSingularOnlyWhenTheLoadReadsAsOne() {
        assertThat(Format.requests(1)).isEqualTo("1 request");
        assertThat(Format.requests(0.96)).as("written as 1").isEqualTo("1 request");
        assertThat(Format.requests(0.3)).isEqualTo("0.3 requests");
        assertThat(Format.requests(0)).isEqualTo("0 requests");
        assertThat(Format.requests(14.24)).isEqualTo("14.2 requests");
    }

    @Test
    void writesTargetsExactlyWithoutATrailingZero() {
        assertThat(Format.target(10.0)).isEqualTo("10");
        assertThat(Format.target(2.25)).isEqualTo("2.25");
    }

    @Test
    void writesDurationsInDescriptorUnits() {
        assertThat(Format.duration(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Format.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Format.duration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Format.duration(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(Format.duration(Duration.ofMillis(-250))).isEqualTo("-250ms");
        assertThat(Format.duration(Duration.ZERO)).isEqualTo("0ms");
    }
}
