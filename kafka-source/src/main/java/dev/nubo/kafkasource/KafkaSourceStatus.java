package dev.nubo.kafkasource;

/**
 * A snapshot of a {@link KafkaSource} for {@code nubo source list}.
 *
 * @param state where the source is in its lifecycle
 * @param handedOff records handed to the sink and committed since this source started
 * @param lastError why the last poll or hand-off failed, as one line; null once a batch has gone through
 *     again (and before anything failed)
 */
public record KafkaSourceStatus(KafkaSourceState state, long handedOff, String lastError) {

    static KafkaSourceStatus starting() {
        return new KafkaSourceStatus(KafkaSourceState.STARTING, 0, null);
    }

    KafkaSourceStatus running(long more) {
        return new KafkaSourceStatus(state.moveTo(KafkaSourceState.RUNNING), handedOff + more, null);
    }

    KafkaSourceStatus retrying(String error) {
        return new KafkaSourceStatus(state.moveTo(KafkaSourceState.RETRYING), handedOff, error);
    }

    KafkaSourceStatus stopped() {
        return new KafkaSourceStatus(state.moveTo(KafkaSourceState.STOPPED), handedOff, lastError);
    }
}
