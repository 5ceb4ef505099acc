package dev.nubo.kafkasource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns a Kafka record into the CloudEvent Nubo hands on, following the CloudEvents Kafka protocol
 * binding 1.0.2, and never fails: a record that cannot be read as a CloudEvent still becomes an event,
 * so it is neither lost nor blocks its partition. See the package documentation for the exact mapping.
 */
final class RecordMapping {

    static final String RECORD_TYPE = "dev.nubo.kafka.record";
    static final String ERROR_EXTENSION = "nuboerror";
    static final String PARTITION_KEY_EXTENSION = "partitionkey";

    private static final String CONTENT_TYPE = "content-type";
    private static final String SPEC_VERSION = "ce_specversion";
    private static final String CLOUDEVENTS_MEDIA_TYPE = "application/cloudevents";
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_ERROR_LENGTH = 300;

    private final URI source;

    RecordMapping(String sourceName) {
        this.source = URI.create("/nubo/sources/" + sourceName);
    }

    CloudEvent toEvent(ConsumerRecord<byte[], byte[]> record) {
        Optional<String> contentType = header(record.headers(), CONTENT_TYPE);
        boolean structured = contentType.map(ct -> ct.strip().toLowerCase(Locale.ROOT).startsWith(CLOUDEVENTS_MEDIA_TYPE))
                .orElse(false);
        boolean binary = record.headers().lastHeader(SPEC_VERSION) != null;
        if (!structured && !binary) {
            return plain(record, contentType).build();
        }
        try {
            return structured ? structured(record, contentType.orElseThrow()) : binary(record);
        } catch (RuntimeException e) {
            return plain(record, contentType)
                    .withExtension(ERROR_EXTENSION, describe(structured ? "structured" : "binary", e))
                    .build();
        }
    }

    /** Structured mode: the value is the whole event, in the event format the content type names. */
    private static CloudEvent structured(ConsumerRecord<byte[], byte[]> record, String contentType) {
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        EventFormat format = EventFormatProvider.getInstance().resolveFormat(mediaType);
        if (format == null) {
            throw new IllegalArgumentException("no event format for content type " + mediaType
                    + "; Nubo reads application/cloudevents+json");
        }
        if (record.value() == null || record.value().length == 0) {
            throw new IllegalArgumentException("the record has no value to read the event from");
        }
        return format.deserialize(record.value());
    }

    /** Binary mode: attributes in {@code ce_} headers, {@code content-type} as datacontenttype, the value as data. */
    private static CloudEvent binary(ConsumerRecord<byte[], byte[]> record) {
        return KafkaMessageFactory.createReader(record.headers(), record.value()).toEvent();
    }

    private CloudEventBuilder plain(ConsumerRecord<byte[], byte[]> record, Optional<String> contentType) {
        String position = record.topic() + "/" + record.partition() + "/" + record.offset();
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(record.topic() + "-" + record.partition() + "-" + record.offset())
                .withSource(source)
                .withType(RECORD_TYPE)
                .withSubject(position);
        if (record.timestamp() >= 0) {
            event.withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(record.timestamp()), ZoneOffset.UTC));
        }
        byte[] value = record.value();
        if (value != null && value.length > 0) {
            event.withData(contentType.orElseGet(() -> isJson(value) ? "application/json" : "application/octet-stream"),
                    value);
        }
        partitionKey(record.key()).ifPresent(key -> event.withExtension(PARTITION_KEY_EXTENSION, key));
        return event;
    }

    /** The key as text when it is well-formed UTF-8 without control characters, which a CloudEvents String allows. */
    static Optional<String> partitionKey(byte[] key) {
        if (key == null || key.length == 0) {
            return Optional.empty();
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
            return text.chars().anyMatch(Character::isISOControl) ? Optional.empty() : Optional.of(text);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Exactly one well-formed JSON value (object, array, string, number, literal), tokenized without a tree. */
    static boolean isJson(byte[] value) {
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static String describe(String mode, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        String text = "not a valid " + mode + "-mode CloudEvent: " + message;
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }
}
