package dev.nubo.instances;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Set;

/**
 * One line of an instance's log: what its process wrote on stdout or stderr, or what Nubo says about
 * it (stream {@code nubo}: "started pid 123 on port 40000", "exited with code 1", ...).
 */
public record LogLine(Instant time, String instanceId, String stream, String text) {

    /** Milliseconds, always three digits, so lines sort and align as text. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    private static final Set<String> STREAMS = Set.of("stdout", "stderr", "nubo");

    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(text, "text");
        if (!STREAMS.contains(stream)) {
            throw new IllegalArgumentException("log stream must be stdout, stderr or nubo; was " + stream);
        }
    }

    /** As written to the log file: {@code 2026-11-21T12:00:00.123Z stdout listening on 8080}. */
    public String format() {
        return TIME.format(time) + " " + stream + " " + text;
    }
}
