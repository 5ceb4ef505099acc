package dev.nubo.events;

import java.time.Instant;

/** A broker as listed: its name, when it was created, and how many triggers take its events. */
public record Broker(String name, Instant createdAt, int triggers) {}
