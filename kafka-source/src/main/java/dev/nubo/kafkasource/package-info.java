/**
 * A Kafka topic as a source of CloudEvents: every record becomes an event handed to an
 * {@link dev.nubo.eventsink.EventSink}, at least once, in partition order.
 *
 * <p>The public face is {@link dev.nubo.kafkasource.KafkaSource} (start, status, close),
 * {@link dev.nubo.kafkasource.KafkaSourceConfig} (validated settings),
 * {@link dev.nubo.kafkasource.KafkaSourceStatus} and {@link dev.nubo.kafkasource.KafkaSourceState}.
 * Package-private: {@code RecordMapping} (record to event) and {@code Backoff} (retry delays).
 *
 * <h2>Delivery</h2>
 * An offset is committed only after the sink's {@code publish} has completed, that is after the events are
 * durably stored. A failed publish commits nothing; the records are read again after a backoff (1 s doubling
 * to 30 s), so a partition waits rather than skips. Records can repeat (a crash, or close, between publish
 * and commit; a rebalance while a commit failed); their event ids are stable, so the repeat is recognizable.
 *
 * <h2>Record to CloudEvent</h2>
 * Following the <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md">
 * CloudEvents Kafka protocol binding</a>:
 * <ul>
 *   <li><b>Structured mode</b>: a {@code content-type} header starting with {@code application/cloudevents}
 *       (any case, parameters ignored). The value is the whole event in the JSON event format. Another
 *       CloudEvents format (e.g. {@code +avro}) is not read: the record is wrapped as below, as the SDK does
 *       rather than the binding's optional fallback to binary mode.
 *   <li><b>Binary mode</b>: otherwise, a {@code ce_specversion} header. Attributes and extensions come
 *       from the {@code ce_*} headers, {@code datacontenttype} from {@code content-type}, data is the value
 *       (read with the SDK's {@code KafkaMessageFactory}).
 *   <li><b>Plain record</b>: neither. The event is built from the record:
 *       <table>
 *       <caption>Plain record mapping</caption>
 *       <tr><th>attribute</th><th>value</th></tr>
 *       <tr><td>type</td><td>{@code dev.nubo.kafka.record}</td></tr>
 *       <tr><td>source</td><td>{@code /nubo/sources/NAME}</td></tr>
 *       <tr><td>id</td><td>{@code TOPIC-PARTITION-OFFSET}</td></tr>
 *       <tr><td>subject</td><td>{@code TOPIC/PARTITION/OFFSET}</td></tr>
 *       <tr><td>time</td><td>the record's timestamp (absent when the record has none)</td></tr>
 *       <tr><td>datacontenttype</td><td>the {@code content-type} header; else {@code application/json}
 *           when the value is one well-formed JSON value; else {@code application/octet-stream}</td></tr>
 *       <tr><td>data</td><td>the value's bytes as they are (none for an empty or null value)</td></tr>
 *       <tr><td>partitionkey</td><td>the key, when it is non-empty, well-formed UTF-8 without control
 *           characters (the <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/extensions/partitioning.md">
 *           partitioning extension</a>)</td></tr>
 *       </table>
 *       The key is not added to structured or binary events: the binding says a key mapping must not change
 *       the event.
 * </ul>
 *
 * <p><b>A record that claims to be a CloudEvent but is not a valid one</b> (structured JSON without
 * {@code type}, a binary record without {@code ce_id}, an unknown {@code ce_specversion}, ...) is neither
 * dropped nor retried forever: it is mapped as a plain record (so its bytes and position are kept) with one
 * more extension, {@code nuboerror}, saying what is wrong, e.g. {@code not a valid structured-mode CloudEvent:
 * ...}. Extension names must be lowercase letters and digits, hence the spelling. Triggers can route such
 * events by filtering on {@code nuboerror}.
 *
 * <h2>Threads</h2>
 * One platform thread per source owns the Kafka consumer; {@code close()} wakes it from a poll, a wait on
 * the sink or a backoff.
 */
package dev.nubo.kafkasource;
