package dev.nubo.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.EventSink;
import dev.nubo.eventsink.Failure;
import dev.nubo.eventsink.SourceState;
import dev.nubo.model.Json;
import dev.nubo.sources.MissedRuns.Decision;
import dev.nubo.sources.MissedRuns.FireOnce;
import dev.nubo.sources.MissedRuns.NothingDue;
import dev.nubo.sources.MissedRuns.StartFresh;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires a {@link CronSchedule}: at each scheduled time, publishes one CloudEvent to the configured
 * destination, and once the sink has stored it, records the time in the {@link SourceState} under
 * {@code cron/NAME/last}, so a restart knows what it missed.
 *
 * <p>The event: id {@code NAME@TIME} (so a firing that is published twice is recognisably the same
 * event), source {@code /nubo/sources/NAME}, the template's type (default {@value EventTemplate#DEFAULT_TYPE}),
 * {@code time} the scheduled time (not the moment it was sent), and the template's data, or by default
 * {@code application/json}:
 *
 * <pre>{@code
 * {"schedule":"0 2 * * *","timeZone":"Europe/Paris","scheduledTime":"2025-03-31T00:00:00Z","missed":0}
 * }</pre>
 *
 * <p><b>Missed runs.</b> On {@link #start()}, a source that has never fired stores the current time
 * as its baseline and does not fire for the past. A source that has fired before and finds one or
 * more scheduled times between its last firing and now fires once, right away, for the latest of
 * them; {@code missed} counts the earlier ones, which are skipped, never replayed (up to
 * {@value MissedRuns#MISSED_LIMIT}). The same rule applies when the timer wakes up late.
 *
 * <p><b>Timing.</b> Each wake-up reads the clock and asks the schedule for the next time after it, so
 * there is no drift; a wake-up that comes early finds nothing due and waits again, and never fires a
 * time twice. The timer sleeps at most a minute, so a wall clock set forward or a host
 * resumed from sleep is noticed within that.
 *
 * <p><b>Failures.</b> When publishing fails, or anything else on the firing path throws (an
 * {@link Error} too, such as a class missing from the distribution), the error is logged and shown by
 * {@link #status()} with its time, the firing is not recorded and not retried, and the schedule
 * carries on. After a restart the failed time counts as missed.
 *
 * <p>Threads: wake-ups and state writes run on the injected timer; {@link #start()} reads and may
 * write the state on the caller's thread.
 */
public final class CronSource implements AutoCloseable {

    /** The longest the timer sleeps before looking at the clock again. */
    static final Duration MAX_SLEEP = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(CronSource.class);

    /**
     * @param nextFire the next scheduled time, while running and the schedule has one
     * @param lastFired the scheduled time of the last firing whose event was stored, in this run or as
     *     recorded by an earlier one (for a source that never fired then: the time it was first started)
     * @param lastError why the latest firing failed, and when; empty once a later one succeeds
     */
    public record Status(Optional<Instant> nextFire, Optional<Instant> lastFired, Optional<Failure> lastError) {}

    private enum Lifecycle { NEW, RUNNING, CLOSED }

    private final CronConfig config;
    private final EventSink sink;
    private final SourceState state;
    private final InstantSource clock;
    private final ScheduledExecutorService timer;
    private final String stateKey;

    // Held while writing the state, which blocks; kept apart from this so status() does not wait on storage.
    private final Object recording = new Object();
    private Instant lastRecorded;

    // Guarded by this.
    private Lifecycle lifecycle = Lifecycle.NEW;
    private Instant lastScheduled;
    private Optional<Instant> nextFire = Optional.empty();
    private Optional<Instant> lastFired = Optional.empty();
    private Optional<Failure> lastError = Optional.empty();
    private ScheduledFuture<?> wakeUp;

    /**
     * A stopped source; {@link #start()} starts it.
     *
     * @param clock the time the schedule is read against
     * @param timer runs the wake-ups and the state writes; not shut down by {@link #close()}
     */
    public CronSource(CronConfig config, EventSink sink, SourceState state, InstantSource clock, ScheduledExecutorService timer) {
        this.config = config;
        this.sink = sink;
        this.state = state;
        this.clock = clock;
        this.timer = timer;
        this.stateKey = stateKey(config.name());
    }

    /** Where the scheduled time of the last stored firing is kept, as ISO-8601. */
    static String stateKey(String name) {
        return "cron/" + name + "/last";
    }

    /**
     * Applies the missed-run policy (which may fire once, or store the baseline) and sets the timer.
     *
     * @throws IllegalStateException when started before, or closed
     */
    public void start() {
        synchronized (this) {
            if (lifecycle != Lifecycle.NEW) {
                throw new IllegalStateException("cron source " + config.name() + " is " + lifecycle + "; start it once");
            }
            lifecycle = Lifecycle.RUNNING;
        }
        Instant now = clock.instant();
        Decision decision;
        try {
            Optional<Instant> last = readLast();
            decision = MissedRuns.decide(config.schedule(), last, now);
            if (decision instanceof StartFresh fresh) {
                state.put(stateKey, fresh.baseline().toString());
            }
            synchronized (recording) {
                lastRecorded = last.orElse(now);
            }
            synchronized (this) {
                lastScheduled = last.orElse(now);
                lastFired = last;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (decision instanceof FireOnce fire) {
            log.info("cron source {}: {} scheduled time(s) passed while it was stopped; firing once, for {}",
                    config.name(), fire.missed() + 1, fire.scheduled());
            fire(fire);
        }
        sleepFrom(now);
    }

    private Optional<Instant> readLast() {
        Optional<String> stored = state.get(stateKey);
        try {
            return stored.map(Instant::parse);
        } catch (DateTimeParseException e) {
            log.warn("cron source {}: ignoring unreadable {} = '{}'; starting afresh", config.name(), stateKey, stored.get());
            return Optional.empty();
        }
    }

    private void wakeUp() {
        Instant now = clock.instant();
        try {
            Decision decision;
            synchronized (this) {
                if (lifecycle != Lifecycle.RUNNING) {
                    return;
                }
                decision = MissedRuns.decide(config.schedule(), Optional.of(lastScheduled), now);
            }
            switch (decision) {
                case FireOnce fire -> {
                    if (fire.missed() > 0) {
                        log.warn("cron source {}: woke up late; skipping {} scheduled time(s), firing for {}",
                                config.name(), fire.missed(), fire.scheduled());
                    }
                    fire(fire);
                }
                case NothingDue early -> {}
                case StartFresh impossible -> throw new IllegalStateException("a running source was told to start afresh");
            }
        } catch (RuntimeException | Error e) {
            // Caught here or never seen: the timer would keep it in a future nobody reads.
            log.error("cron source {}: the wake-up at {} failed; carrying on", config.name(), now, e);
            failed(Failure.of(clock.instant(), "the wake-up at " + now + " failed", e));
        } finally {
            sleepFrom(now);
        }
    }

    private void fire(FireOnce fire) {
        synchronized (this) {
            lastScheduled = fire.scheduled();
        }
        CompletableFuture<Void> published;
        try {
            CloudEvent event = event(fire);
            published = sink.publish(config.to(), List.of(event));
        } catch (RuntimeException | Error e) {
            published = CompletableFuture.failedFuture(e);
        }
        published.whenCompleteAsync((ok, error) -> published(fire.scheduled(), error), offEventLoops());
    }

    private void published(Instant scheduled, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            log.warn("cron source {}: publishing the firing for {} to {} failed; it is not retried",
                    config.name(), scheduled, config.to(), cause);
            failed(Failure.of(clock.instant(), "publishing the firing for " + scheduled + " to " + config.to() + " failed", cause));
            return;
        }
        try {
            synchronized (recording) {
                // Two firings can complete out of order when the sink is slow; never move the record back.
                if (!scheduled.isAfter(lastRecorded)) {
                    return;
                }
                state.put(stateKey, scheduled.toString());
                lastRecorded = scheduled;
            }
            synchronized (this) {
                if (lastFired.isEmpty() || scheduled.isAfter(lastFired.get())) {
                    lastFired = Optional.of(scheduled);
                    lastError = Optional.empty();
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("cron source {}: the firing for {} was published, but recording it failed", config.name(), scheduled, e);
            failed(Failure.of(clock.instant(), "the firing for " + scheduled + " was published, but recording it failed (it may fire"
                    + " again after a restart)", e));
        }
    }

    private synchronized void failed(Failure why) {
        lastError = Optional.of(why);
    }

    /** The timer, unless it is shut down; then the thread that completed the publish (only while stopping). */
    private Executor offEventLoops() {
        return task -> {
            try {
                timer.execute(task);
            } catch (RejectedExecutionException shutDown) {
                task.run();
            }
        };
    }

    private void sleepFrom(Instant now) {
        Optional<Instant> next = config.schedule().nextAfter(now);
        synchronized (this) {
            if (lifecycle != Lifecycle.RUNNING) {
                return;
            }
            nextFire = next;
            if (next.isEmpty()) {
                log.warn("cron source {}: the schedule {} has no time after {}; it will not fire again", config.name(), config.schedule(), now);
                return;
            }
            Duration sleep = Duration.between(now, next.get());
            sleep = sleep.compareTo(MAX_SLEEP) > 0 ? MAX_SLEEP : sleep;
            try {
                wakeUp = timer.schedule(this::wakeUp, sleep.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                log.warn("cron source {}: its timer is shut down; it stops firing", config.name());
                nextFire = Optional.empty();
            }
        }
    }

    private CloudEvent event(FireOnce fire) {
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(config.name() + "@" + fire.scheduled())
                .withSource(SourceName.uri(config.name()))
                .withType(config.event().type())
                .withTime(fire.scheduled().atOffset(ZoneOffset.UTC));
        config.event().data().ifPresentOrElse(
                data -> event.withData(data.contentType(), data.bytes()),
                () -> event.withData("application/json", firingJson(fire)));
        return event.build();
    }

    private byte[] firingJson(FireOnce fire) {
        ObjectNode json = Json.mapper().createObjectNode()
                .put("schedule", config.schedule().expression())
                .put("timeZone", config.schedule().zone().getId())
                .put("scheduledTime", fire.scheduled().toString())
                .put("missed", fire.missed());
        try {
            return Json.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree of strings and a number", e);
        }
    }

    public String name() {
        return config.name();
    }

    public synchronized Status status() {
        return new Status(nextFire, lastFired, lastError);
    }

    /** Stops the timer; a publish in flight still completes and is recorded. Idempotent. */
    @Override
    public synchronized void close() {
        lifecycle = Lifecycle.CLOSED;
        nextFire = Optional.empty();
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
    }
}
