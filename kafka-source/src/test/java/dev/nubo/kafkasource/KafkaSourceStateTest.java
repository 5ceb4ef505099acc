package dev.nubo.kafkasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        KafkaSourceStatus status = KafkaSourceStatus.starting().running(3).retrying("sink down");

        assertThat(status).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RETRYING, 3, "sink down"));
        assertThat(status.running(2)).isEqualTo(new KafkaSourceStatus(KafkaSourceState.RUNNING, 5, null));
        assertThat(status.stopped().state().label()).isEqualTo("stopped");
    }
}
