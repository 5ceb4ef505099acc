package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

    @Test
    void readsBinaryAndDecimalSizes() {
        assertThat(Quantities.bytes("256Mi")).contains(256L << 20);
        assertThat(Quantities.bytes("1Gi")).contains(1L << 30);
        assertThat(Quantities.bytes("10MB")).contains(10_000_000L);
        assertThat(Quantities.bytes("512")).contains(512L);
        assertThat(Quantities.bytes("lots")).isEmpty();
        assertThat(Quantities.formatBytes(256L << 20)).isEqualTo("256Mi");
    }

    @Test
    void numbersTooLargeToRepresentAreNoQuantity() {
        assertThat(Quantities.bytes("99999999999Gi")).isEmpty();
        assertThat(Quantities.bytes("99999999999999999999")).isEmpty();
        assertThat(Quantities.bytes("8589934591Gi")).contains(8589934591L << 30);
        assertThat(Quantities.duration("99999999999999999999h")).isEmpty();
        assertThat(Quantities.duration("9999999999999999h")).isEmpty();
        assertThat(Quantities.duration("2562047788015215h")).contains(Duration.ofHours(2562047788015215L));
    }

    @Test
    void describesMeasuredSizesApproximately() {
        assertThat(Quantities.describeBytes(512)).isEqualTo("512 B");
        assertThat(Quantities.describeBytes(4_193_402_880L)).isEqualTo("3.9 GiB");
        assertThat(Quantities.describeBytes(3L << 20)).isEqualTo("3.0 MiB");
    }

    @Test
    void readsDurations() {
        assertThat(Quantities.duration("500ms")).contains(Duration.ofMillis(500));
        assertThat(Quantities.duration("2m")).contains(Duration.ofMinutes(2));
        assertThat(Quantities.duration("2 days")).isEmpty();
        assertThat(Quantities.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Quantities.formatDuration(Duration.ofMinutes(2))).isEqualTo("2m");
    }

    @Test
    void revisionStatesFollowTheirTable() {
        assertThat(RevisionState.DEPLOYING.canBecome(RevisionState.READY)).isTrue();
        assertThat(RevisionState.READY.canBecome(RevisionState.DEPLOYING)).isFalse();
        assertThat(RevisionState.FAILED.canBecome(RevisionState.READY)).isFalse();
    }
}
