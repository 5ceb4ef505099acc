package dev.nubo.kafkasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromOneSecondUpToThirtySeconds() {
        Backoff backoff = Backoff.DEFAULT;

        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.after(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.after(1_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsAMaxBelowTheInitialDelay() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("backoff needs 0 < initial <= max; was PT2S, PT1S");
    }
}
