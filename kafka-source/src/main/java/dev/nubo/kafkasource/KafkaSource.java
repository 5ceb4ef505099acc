package dev.nubo.kafkasource;

import dev.nubo.eventsink.EventSink;
import dev.nubo.eventsink.Failure;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one Kafka topic and hands every record to an {@link EventSink} as a CloudEvent, at least once:
 * a record's offset is committed only after the sink has durably stored its event, so a crash, a failing
 * sink or a rebalance can repeat records but never lose or skip one.
 *
 * <pre>{@code
 * KafkaSource source = KafkaSource.start(
 *         new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders.v1", null, Destination.parse("broker:default")),
 *         sink, InstantSource.system());
 * source.status();   // RUNNING, 42 handed off, no error
 * source.close();    // leaves the group; the next start resumes after the last commit
 * }</pre>
 *
 * <p>One thread per source owns the consumer and runs the whole loop: poll, map each record
 * ({@link RecordMapping}), publish the batch and wait until it is stored, then commit exactly those
 * records' offsets. When publishing fails nothing is committed: the consumer seeks back to the batch's
 * first offset in each partition and polls the same records again after a backoff (1 s doubling to 30 s).
 * Whatever fails, an {@link Error} included (a class missing from the distribution, say), is logged and
 * shown with its time in {@link #status()}, and retried the same way: the thread never dies of it silently.
 * Rebalance callbacks only run inside {@code poll}, when every handed-off batch has been committed, so a
 * revoked partition has nothing pending except a commit that failed; that one is retried on revoke.
 */
public final class KafkaSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaSourceConfig config;
    private final EventSink sink;
    private final InstantSource clock;
    private final Backoff backoff;
    private final RecordMapping mapping;
    private final Thread thread;
    /** Completed by {@link #close()}; the loop checks it and waits on it instead of sleeping. */
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    /** Offsets of handed-off records whose commit failed; committed with the next batch or on revoke. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile KafkaSourceStatus status = KafkaSourceStatus.starting();
    /** A batch failed to publish and is being polled again; cleared when one goes through or on revoke. */
    private boolean handOffFailing;
    private int failures;

    private KafkaSource(KafkaSourceConfig config, EventSink sink, InstantSource clock, Backoff backoff) {
        this.config = config;
        this.sink = sink;
        this.clock = clock;
        this.backoff = backoff;
        this.mapping = new RecordMapping(config.name());
        this.thread = new Thread(this::run, "nubo-kafka-source-" + config.name());
        this.thread.setDaemon(true);
    }

    /**
     * Starts consuming in the background; connection problems show in {@link #status()}, not as exceptions.
     *
     * @param clock when failures happened, for the status
     */
    public static KafkaSource start(KafkaSourceConfig config, EventSink sink, InstantSource clock) {
        return start(config, sink, clock, Backoff.DEFAULT);
    }

    static KafkaSource start(KafkaSourceConfig config, EventSink sink, InstantSource clock, Backoff backoff) {
        KafkaSource source = new KafkaSource(config, sink, clock, backoff);
        source.thread.start();
        return source;
    }

    public KafkaSourceConfig config() {
        return config;
    }

    public KafkaSourceStatus status() {
        return status;
    }

    /**
     * Stops the loop, even while it waits on the sink or a backoff, and closes the consumer, which leaves
     * the group. A batch whose hand-off has not completed is not committed: the next consumer of the group
     * reads it again.
     */
    @Override
    public void close() {
        closing.complete(null);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (Thread.currentThread() == thread) {
            return; // called from the sink, on the loop's own thread: the loop ends when the call returns
        }
        try {
            thread.join(CLOSE_TIMEOUT.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("Kafka source {}: the consumer thread has not stopped after {}", config.name(), CLOSE_TIMEOUT.multipliedBy(3));
        }
    }

    private void run() {
        try {
            while (!closing.isDone()) {
                try {
                    pollAndHandOff(consumer == null ? subscribe() : consumer);
                } catch (WakeupException e) {
                    // close() woke the consumer; the loop condition ends it.
                } catch (RuntimeException | Error | HandOffFailed e) {
                    retryLater(e);
                }
            }
        } finally {
            shutDown();
        }
    }

    private KafkaConsumer<byte[], byte[]> subscribe() {
        var c = new KafkaConsumer<>(config.consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            c.subscribe(List.of(config.topic()), new Rebalance());
        } catch (RuntimeException e) {
            c.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        consumer = c;
        if (closing.isDone()) {
            c.wakeup(); // close() may have looked for the consumer before it was set
        }
        return c;
    }

    /** The pipeline: poll, map, publish and wait until stored, commit those offsets. */
    private void pollAndHandOff(KafkaConsumer<byte[], byte[]> c) throws HandOffFailed {
        ConsumerRecords<byte[], byte[]> records = c.poll(POLL_TIMEOUT);
        if (records.isEmpty()) {
            if (status.state() == KafkaSourceState.RETRYING && !handOffFailing) {
                ran(0); // polling works again
            }
            return;
        }
        if (!handOff(records, c)) {
            return; // closing before the sink answered: commit nothing
        }
        ran(records.count());
        // The position after each partition's last record (past any transaction marker behind it).
        commit(c, records.nextOffsets());
    }

    /**
     * Maps and publishes the batch and waits until the sink has stored it, or until close().
     *
     * @return false when closing came first
     * @throws HandOffFailed after seeking back to the batch's first record in each partition, when anything
     *     failed, so the next poll returns the same records and none is skipped
     */
    private boolean handOff(ConsumerRecords<byte[], byte[]> records, KafkaConsumer<byte[], byte[]> c) throws HandOffFailed {
        try {
            List<CloudEvent> events = new ArrayList<>(records.count());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                events.add(mapping.toEvent(record));
            }
            CompletableFuture<Void> published = sink.publish(config.to(), events);
            CompletableFuture.anyOf(published, closing).get();
            if (!published.isDone()) {
                return false;
            }
            published.join();
            return true;
        } catch (ExecutionException | RuntimeException | Error e) {
            Throwable cause = e instanceof ExecutionException || e instanceof CompletionException ? e.getCause() : e;
            for (TopicPartition partition : records.partitions()) {
                c.seek(partition, records.records(partition).getFirst().offset());
            }
            handOffFailing = true;
            throw new HandOffFailed("handing " + records.count() + " records to " + config.to() + " failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing.complete(null);
            return false;
        }
    }

    private void commit(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        uncommitted.putAll(offsets);
        try {
            c.commitSync(uncommitted);
            uncommitted.clear();
        } catch (WakeupException e) {
            throw e; // closing: shutDown() commits what was handed off
        } catch (KafkaException e) {
            // The events are stored, so this is no reason to retry them; at worst they are read again.
            log.warn("Kafka source {}: committing offsets {} failed; they are retried with the next commit: {}",
                    config.name(), uncommitted, oneLine(e));
        }
    }

    private void ran(int handedOff) {
        handOffFailing = false;
        failures = 0;
        status = status.running(handedOff);
    }

    private void retryLater(Throwable e) {
        failures++;
        Duration delay = backoff.after(failures);
        Failure failure = e instanceof HandOffFailed ? Failure.of(clock.instant(), e.getMessage(), e.getCause())
                : Failure.of(clock.instant(), "reading topic " + config.topic() + " failed", e);
        if (failures == 1) { // the whole story once per run of failures, then one line per retry
            log.warn("Kafka source {} (topic {}): {}; retrying in {} ms", config.name(), config.topic(), failure.message(),
                    delay.toMillis(), e instanceof HandOffFailed ? e.getCause() : e);
        } else {
            log.warn("Kafka source {} (topic {}): {} ({} failures in a row); retrying in {} ms", config.name(),
                    config.topic(), failure.message(), failures, delay.toMillis());
        }
        status = status.retrying(failure);
        try {
            closing.get(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            // the backoff is over
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            closing.complete(null);
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void shutDown() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                if (!uncommitted.isEmpty()) {
                    c.commitSync(uncommitted, CLOSE_TIMEOUT); // handed off already: committing is safe
                }
            } catch (KafkaException e) {
                log.warn("Kafka source {}: offsets {} were handed off but not committed; they will be read again: {}",
                        config.name(), uncommitted, oneLine(e));
            }
            try {
                c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (KafkaException e) {
                log.warn("Kafka source {}: closing the consumer failed: {}", config.name(), oneLine(e));
            }
            consumer = null;
        }
        status = status.stopped();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }

    /** Keeps the pending-commit state right when partitions move; runs inside poll, on the source's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndMetadata offset = uncommitted.remove(p);
                if (offset != null) {
                    pending.put(p, offset);
                }
            }
            if (!pending.isEmpty()) {
                try {
                    consumer.commitSync(pending);
                } catch (KafkaException e) {
                    log.warn("Kafka source {}: offsets {} were handed off but could not be committed before the partitions"
                            + " moved; the new owner reads them again: {}", config.name(), pending, oneLine(e));
                }
            }
            handOffFailing = false;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(uncommitted::remove); // no longer ours to commit
            handOffFailing = false;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("Kafka source {}: reading {}", config.name(), partitions);
            if (status.state() == KafkaSourceState.STARTING) {
                status = status.running(0); // joined the group (possibly with no partitions to read)
            }
        }
    }

    /** The sink did not store a batch; the records are polled again after a backoff. */
    private static final class HandOffFailed extends Exception {
        HandOffFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
