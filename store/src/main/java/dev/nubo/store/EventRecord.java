package dev.nubo.store;

import java.time.Instant;
import java.util.Optional;

/** Something that happened to a service, for {@code nubo describe}: a deploy, a failure, a switch. */
public record EventRecord(long id, String service, Optional<String> revision, Instant time, String message) {}
