package dev.nubo.store;

import java.time.Instant;
import java.util.Optional;

/** One event of an execution's history: {@code seq} counts from 1; {@code detail} is JSON. */
public record HistoryEvent(long seq, Instant at, String type, Optional<String> state, String detail) {}
