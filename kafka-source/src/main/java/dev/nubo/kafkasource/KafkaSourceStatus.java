package dev.nubo.kafkasource;

import dev.nubo.eventsink.Failure;
import java.util.Optional;

/**
 * A snapshot of a {@link KafkaSource} for {@code nubo source list}.
 *
 * @param state where the source is in its lifecycle
 * @param handedOff records handed to the sink and committed since this source started
 * @param lastError why the last poll or hand-off failed, and when; empty once a batch has gone through
 *     again (and before anything failed)
 */
public record KafkaSourceStatus(KafkaSourceState state, long handedOff, Optional<Failure> lastError) {

    static KafkaSourceStatus starting() {
        return new KafkaSourceStatus(KafkaSourceState.STARTING, 0, Optional.empty());
    }

    KafkaSourceStatus running(long more) {
        return new KafkaSourceStatus(state.moveTo(KafkaSourceState.RUNNING), handedOff + more, Optional.empty());
    }

    KafkaSourceStatus retrying(Failure error) {
        return new KafkaSourceStatus(state.moveTo(KafkaSourceState.RETRYING), handedOff, Optional.of(error));
    }

    KafkaSourceStatus stopped() {
        return new KafkaSourceStatus(state.moveTo(KafkaSourceState.STOPPED), handedOff, lastError);
    }
}
