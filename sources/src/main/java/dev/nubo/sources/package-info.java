/**
 * Event sources that need no client library of their own: cron schedules and webhooks. Both turn
 * something that happens (a time arrives, a request comes in) into a CloudEvent and hand it to an
 * {@link dev.nubo.eventsink.EventSink}.
 *
 * <p>The public face:
 *
 * <ul>
 *   <li>{@link dev.nubo.sources.CronSchedule}: the cron dialect, time zones and daylight saving time.
 *   <li>{@link dev.nubo.sources.CronSource} with {@link dev.nubo.sources.CronConfig} and
 *       {@link dev.nubo.sources.EventTemplate}: fires a schedule on a timer, with the missed-run policy.
 *   <li>{@link dev.nubo.sources.Webhook} with {@link dev.nubo.sources.WebhookConfig}: a request to an
 *       event, and the GitHub-style HMAC signature check.
 * </ul>
 *
 * <p>Package-private: {@code CronDialect} (parsing and its error messages), {@code WallClock} (local
 * times to instants across daylight-saving changes), {@code MissedRuns} (what is due at a moment, a
 * pure function) and {@code SourceName}.
 */
package dev.nubo.sources;
