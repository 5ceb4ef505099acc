package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.autoscaler.ScaleDecision;
import dev.nubo.autoscaler.ScalePolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScalerTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final ScalePolicy POLICY = ScalePolicy.of(0, 10, 10, Duration.ofSeconds(60), Duration.ofSeconds(1));
    private static final ScaleDecision ZERO = new ScaleDecision(0, ScaleDecision.Mode.IDLE, 0, 0, "idle for 61s");

    @Test
    void aRevisionSleepsOnlyAtZeroWithoutDemandAndAfterAWholeQuietWindow() {
        Instant quietSince = NOW.minusSeconds(60);
        assertThat(Scaler.dormant(ZERO, 0, 0, quietSince, POLICY, NOW)).isTrue();
        // Quiet for less than the stable window: its autoscaler still holds samples with demand.
        assertThat(Scaler.dormant(ZERO, 0, 0, NOW.minusSeconds(59), POLICY, NOW)).isFalse();
        // An instance still stopping, or a request seen in this tick.
        assertThat(Scaler.dormant(ZERO, 1, 0, quietSince, POLICY, NOW)).isFalse();
        assertThat(Scaler.dormant(ZERO, 0, 1, quietSince, POLICY, NOW)).isFalse();
        // It wants an instance (scale.min, say).
        assertThat(Scaler.dormant(new ScaleDecision(1, ScaleDecision.Mode.STABLE, 0, 0, "min"), 0, 0, quietSince, POLICY, NOW)).isFalse();
    }
}
