package dev.nubo.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScalePolicyTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static ScalePolicy policy(Duration panicWindow, double panicThreshold, double maxScaleDownRate, Duration scaleDownDelay) {
        return new ScalePolicy(0, 10, 10, MINUTE, panicWindow, panicThreshold, MINUTE, maxScaleDownRate, scaleDownDelay);
    }

    @Test
    void fillsTheDefaultsForEverythingButTheBoundsTargetAndWindows() {
        ScalePolicy policy = ScalePolicy.of(0, 10, 100, MINUTE, Duration.ofMinutes(5));

        assertThat(policy).isEqualTo(new ScalePolicy(0, 10, 100, MINUTE, Duration.ofSeconds(6), 2.0,
                Duration.ofMinutes(5), 2.0, Duration.ofSeconds(2)));
    }

    @Test
    void keepsTheDefaultPanicWindowBetweenOneSecondAndTheStableWindow() {
        assertThat(ScalePolicy.of(0, 1, 1, Duration.ofSeconds(5), MINUTE).panicWindow()).isEqualTo(SECOND);
        assertThat(ScalePolicy.of(0, 1, 1, Duration.ofMillis(500), MINUTE).panicWindow()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void rejectsBoundsThatCannotServe() {
        assertThatThrownBy(() -> ScalePolicy.of(-1, 10, 10, MINUTE, MINUTE)).hasMessage(
                "autoscaling min -1 must be 0 or more; use 0 to scale to zero when idle, or a positive count to keep instances warm");
        assertThatThrownBy(() -> ScalePolicy.of(0, 0, 10, MINUTE, MINUTE)).hasMessage(
                "autoscaling max 0 must be 1 or more, or the revision could never serve; use min 0 to let it scale to zero");
        assertThatThrownBy(() -> ScalePolicy.of(3, 2, 10, MINUTE, MINUTE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("autoscaling max 2 is below min 3; raise max to 3 or lower min");
    }

    @Test
    void rejectsATargetThatIsNotAPositiveNumber() {
        assertThatThrownBy(() -> ScalePolicy.of(0, 10, 0, MINUTE, MINUTE)).hasMessage("autoscaling target 0"
                + " must be a positive number of concurrent requests per instance; use e.g. 100, or 1 for one request at a time");
        assertThatThrownBy(() -> ScalePolicy.of(0, 10, Double.NaN, MINUTE, MINUTE)).hasMessageStartingWith("autoscaling target NaN must be");
    }

    @Test
    void rejectsWindowsThatAreNotPositive() {
        assertThatThrownBy(() -> ScalePolicy.of(0, 10, 10, Duration.ZERO, MINUTE))
                .hasMessage("autoscaling stableWindow 0ms must be positive; use e.g. 60s");
        assertThatThrownBy(() -> ScalePolicy.of(0, 10, 10, null, MINUTE))
                .hasMessage("autoscaling stableWindow null must be positive; use e.g. 60s");
        assertThatThrownBy(() -> ScalePolicy.of(0, 10, 10, MINUTE, Duration.ofSeconds(-90)))
                .hasMessage("autoscaling idle -1m30s must be positive; use e.g. 5m");
    }

    @Test
    void rejectsAPanicWindowLongerThanTheStableWindow() {
        assertThatThrownBy(() -> policy(Duration.ofMinutes(2), 2, 2, SECOND)).hasMessage("autoscaling panicWindow 2m is longer than"
                + " stableWindow 1m; the panic window catches bursts the stable window smooths over, use about a tenth of it");
    }

    @Test
    void rejectsRatesThatWouldPanicAtNormalLoadOrNeverScaleDown() {
        assertThatThrownBy(() -> policy(SECOND, 1, 2, SECOND)).hasMessage(
                "autoscaling panicThreshold 1 must be above 1, or the revision would panic under the load it is sized for; use e.g. 2.0");
        assertThatThrownBy(() -> policy(SECOND, 2, 0.5, SECOND)).hasMessage(
                "autoscaling maxScaleDownRate 0.5 must be above 1, or the revision could never scale down; use e.g. 2.0 to at most halve at once");
        assertThatThrownBy(() -> policy(SECOND, 2, 2, Duration.ofMillis(-1))).hasMessage(
                "autoscaling scaleDownDelay -1ms must be 0 or more; use e.g. 2s, or 0 to scale down on every decision");
        assertThat(policy(SECOND, 2, 2, Duration.ZERO).scaleDownDelay()).isZero();
    }
}
