package dev.nubo.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one attempt got back: a status and headers and (up to {@link Dispatcher#MAX_REPLY_BYTES}) the
 * body, or, with status 0, the transport failure ({@code error}) that stopped it.
 */
record Reply(int status, List<Map.Entry<String, String>> headers, byte[] body, String error) {

    static Reply failed(String error) {
        return new Reply(0, List.of(), new byte[0], error);
    }

    /** What the outcome means for the delivery. */
    enum Verdict { DELIVERED, RETRY, REJECTED }

    /**
     * 2xx is delivered. A transport failure, a timeout, 404 (not deployed yet), 408, 409, 425, 429 and
     * 5xx are worth retrying. Any other answer (400, 401, 403, 413, …) says the service will never take
     * this request, so retrying cannot help: it goes to the dead-letter sink at once.
     */
    Verdict verdict() {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        return status == 0 || status == 404 || status == 408 || status == 409 || status == 425 || status == 429 || status >= 500
                ? Verdict.RETRY : Verdict.REJECTED;
    }

    Optional<String> header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return Optional.of(h.getValue());
            }
        }
        return Optional.empty();
    }

    /** {@code Retry-After} on a 429 or 503, in seconds or as an HTTP date. */
    Optional<Duration> retryAfter(Instant now) {
        if (status != 429 && status != 503) {
            return Optional.empty();
        }
        return header("Retry-After").flatMap(v -> {
            String value = v.strip();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
        });
    }

    /** A one-line account for logs, dead letters and invocation records. */
    String describe(String service) {
        if (status == 0) {
            return error;
        }
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return "HTTP " + status + " from " + service + (text.isEmpty() ? "" : ": " + text);
    }
}
