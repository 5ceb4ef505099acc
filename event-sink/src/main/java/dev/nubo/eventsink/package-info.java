/**
 * What an event source needs of Nubo's eventing, and nothing more: {@link dev.nubo.eventsink.Destination}
 * (where its events go), {@link dev.nubo.eventsink.EventSink} (which stores them, durably, before it
 * acknowledges upstream), {@link dev.nubo.eventsink.SourceState} (a little durable memory, such as a
 * cron schedule's last firing) and {@link dev.nubo.eventsink.Failure} (a failure as a source's status
 * shows it). The sources ({@code sources}, {@code kafka-source}) depend on this module only, not on
 * the brokers, triggers and dispatcher of {@code events}, which implements these interfaces.
 */
package dev.nubo.eventsink;
