package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFilterTest {

    static final Instant NOW = Instant.parse("2026-12-03T16:00:00Z");
    static final String NODE_LINE = "2026-12-03T15:55:00.000Z greeter-00001-x7k2p stdout 2026-12-03T15:55:00.000Z\treq-bob-2\tINFO\tgreeting bob";
    static final String OLD_LINE = "2026-12-03T15:40:00.000Z greeter-00001-x7k2p nubo started pid 42 on port 4000";

    @Test
    void keepsLinesWrittenSinceADurationBeforeNowOrATime() {
        LogFilter tenMinutes = LogFilter.of("10m", null, null, NOW);
        assertThat(tenMinutes.matches(NODE_LINE)).isTrue();
        assertThat(tenMinutes.matches(OLD_LINE)).isFalse();
        assertThat(LogFilter.of("1d", null, null, NOW).matches(OLD_LINE)).isTrue();
        assertThat(LogFilter.of("2026-12-03T15:50:00Z", null, null, NOW).matches(OLD_LINE)).isFalse();
    }

    @Test
    void keepsLinesNamingTheRequestAndMatchingThePattern() {
        assertThat(LogFilter.of(null, null, "req-bob-2", NOW).matches(NODE_LINE)).isTrue();
        assertThat(LogFilter.of(null, null, "req-ada-1", NOW).matches(NODE_LINE)).isFalse();
        assertThat(LogFilter.of(null, "greeting (ada|bob)", null, NOW).matches(NODE_LINE)).isTrue();
        assertThat(LogFilter.of(null, "^started", null, NOW).matches(OLD_LINE)).isFalse();
        assertThat(LogFilter.of(null, "", "", NOW).everything()).isTrue();
    }

    @Test
    void refusesAPatternOrTimeItCannotReadSayingWhatItTakes() {
        assertThatThrownBy(() -> LogFilter.of(null, "(", null, NOW)).isInstanceOf(UserError.class)
                .hasMessageContaining("grep=( is not a regular expression");
        assertThatThrownBy(() -> LogFilter.of("yesterday", null, null, NOW)).isInstanceOf(UserError.class)
                .hasMessage("since=yesterday is neither a duration nor a time");
    }

    @Test
    void splitsALineIntoTimeInstanceStreamAndText() {
        assertThat(LogFilter.fields(OLD_LINE)).isEqualTo(Map.of("time", "2026-12-03T15:40:00.000Z", "instance", "greeter-00001-x7k2p",
                "stream", "nubo", "text", "started pid 42 on port 4000"));
    }
}
