package dev.nubo.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One workflow execution as stored: {@code status} is the workflows module's name for it, {@code cursor}
 * its own JSON of where the execution stands (what it resumes from), {@code events} the length of its
 * history.
 */
public record ExecutionRecord(String id, String workflow, int version, String name, String status, String input,
        Optional<String> output, Optional<String> error, Optional<String> cause, String cursor, long events,
        Instant startedAt, Optional<Instant> stoppedAt) {}
