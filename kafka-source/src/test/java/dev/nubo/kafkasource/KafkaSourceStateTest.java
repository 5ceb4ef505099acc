package dev.nubo.kafkasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.eventsink.Failure;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaSourceStateTest {

    @Test
    void printsTheTransitionTable() {
        assertThat(KafkaSourceState.diagram()).isEqualTo("""
                STARTING -> RUNNING | RETRYING | STOPPED
                RUNNING  -> RETRYING | STOPPED
                RETRYING -> RUNNING | STOPPED
                STOPPED  (final)
                """);
    }

    @Test
    void aStoppedSourceNeverRunsAgain() {
        assertThatThrownBy(() -> KafkaSourceState.STOPPED.moveTo(KafkaSourceState.RUNNING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("illegal Kafka source transition STOPPED -> RUNNING; from STOPPED only nothing (final) is allowed");
    }

    @Test
    void statusCountsHandOffsAndClearsTheErrorOnceABatchGoesThrough() {
        Failure down = new Failure(Instant.parse("2026-11-21T10:00:00Z"), "sink down");
        KafkaSourceStatus status = KafkaSourceStatus.starting().running(3).retrying(down);

        assertThat(status).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RETRYING, 3, Optional.of(down)));
        assertThat(status.running(2)).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RUNNING, 5, Optional.empty()));
        assertThat(status.stopped().state().label()).isEqualTo("stopped");
    }
}
