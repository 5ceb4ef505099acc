package dev.nubo.sources;

import dev.nubo.eventsink.Destination;
import java.util.Objects;

/**
 * A cron source as declared: its name (unique among sources; the events' {@code source} is
 * {@code /nubo/sources/NAME}), when it fires, where its events go and what they look like.
 *
 * <pre>{@code
 * new CronConfig("nightly-report", CronSchedule.parse("0 2 * * *", "Europe/Paris"),
 *         Destination.parse("broker:default"), EventTemplate.defaults());
 * }</pre>
 */
public record CronConfig(String name, CronSchedule schedule, Destination to, EventTemplate event) {

    /** @throws dev.nubo.model.UserError 400 {@code source.invalid} when the name is not a valid name */
    public CronConfig {
        SourceName.check(name, "cron");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(event, "event");
    }
}
