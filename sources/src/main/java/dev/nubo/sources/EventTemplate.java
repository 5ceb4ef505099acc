package dev.nubo.sources;

import dev.nubo.model.UserError;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What each firing of a {@link CronSource} publishes: the CloudEvents {@code type}, and either fixed
 * data or, by default, a small JSON document about the firing (see {@link CronSource}).
 *
 * <pre>{@code
 * EventTemplate.defaults();                                    // type dev.nubo.cron.fired, JSON about the firing
 * EventTemplate.of("com.example.report.due")
 *         .withData("text/plain", "monthly".getBytes(UTF_8));  // the same bytes every time
 * }</pre>
 */
public record EventTemplate(String type, Optional<Data> data) {

    public static final String DEFAULT_TYPE = "dev.nubo.cron.fired";

    /** Fixed event data and its media type; the bytes are copied in and out. */
    public record Data(String contentType, byte[] bytes) {
        public Data {
            if (contentType == null || contentType.isBlank()) {
                throw UserError.badRequest("source.invalid", "cron event data needs a content type",
                        "give the media type of the data, e.g. application/json or text/plain");
            }
            bytes = Objects.requireNonNull(bytes, "bytes").clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data other && contentType.equals(other.contentType) && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return contentType.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Data[" + contentType + ", " + bytes.length + " bytes]";
        }
    }

    public EventTemplate {
        if (type == null || type.isBlank()) {
            throw UserError.badRequest("source.invalid", "a cron event type cannot be empty",
                    "leave the type out for " + DEFAULT_TYPE + ", or give a reverse-DNS name such as com.example.report.due");
        }
        Objects.requireNonNull(data, "data");
    }

    /** Type {@value #DEFAULT_TYPE}, JSON data about each firing. */
    public static EventTemplate defaults() {
        return of(DEFAULT_TYPE);
    }

    /** Type {@code type}, JSON data about each firing. */
    public static EventTemplate of(String type) {
        return new EventTemplate(type, Optional.empty());
    }

    /** This type, with {@code bytes} of media type {@code contentType} as the data of every firing. */
    public EventTemplate withData(String contentType, byte[] bytes) {
        return new EventTemplate(type, Optional.of(new Data(contentType, bytes)));
    }
}
