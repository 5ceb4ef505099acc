package dev.nubo.events;

import java.time.Instant;

/**
 * An event in the dead-letter store: where it came from ({@code trigger:orders}, {@code result:inv-…}, …),
 * where it was going, how many attempts were made, why it is here, and the event itself in the
 * CloudEvents JSON format.
 */
public record DeadLetter(long id, String origin, String to, int attempts, String reason, Instant deadAt, byte[] event) {}
