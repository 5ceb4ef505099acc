package dev.nubo.sources;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.Failure;
import dev.nubo.eventsink.LogCapture;
import dev.nubo.model.Json;
import dev.nubo.sources.RecordingSink.Published;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CronSourceTest {

    private static final Destination BROKER = Destination.parse("broker:default");
    private static final Instant NOW = Instant.parse("2025-05-01T10:10:30Z");
    private static final String KEY = "cron/tick/last";

    private final MemoryState state = new MemoryState();
    private ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1);
    private CronSource source;

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        timer.shutdownNow();
    }

    private CronSource start(String expression, EventTemplate event, RecordingSink sink, InstantSource clock) {
        CronConfig config = new CronConfig("tick", CronSchedule.parse(expression, "Europe/Paris"), BROKER, event);
        source = new CronSource(config, sink, state, clock, timer);
        source.start();
        return source;
    }

    private CronSource start(String expression, RecordingSink sink, InstantSource clock) {
        return start(expression, EventTemplate.defaults(), sink, clock);
    }

    private static JsonNode data(CloudEvent event) throws IOException {
        return Json.mapper().readTree(event.getData().toBytes());
    }

    @Test
    void firesEverySecondOnARealTimerAndRecordsEachFiring() throws IOException {
        RecordingSink sink = new RecordingSink();
        start("* * * * * *", sink, InstantSource.system());

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.published.size() >= 3);
        source.close();

        CloudEvent first = sink.published.getFirst().event();
        Instant firstTime = first.getTime().toInstant();
        assertThat(sink.ids()).startsWith("tick@" + firstTime, "tick@" + firstTime.plusSeconds(1), "tick@" + firstTime.plusSeconds(2));
        assertThat(first.getSource()).isEqualTo(URI.create("/nubo/sources/tick"));
        assertThat(first.getType()).isEqualTo("dev.nubo.cron.fired");
        assertThat(first.getDataContentType()).isEqualTo("application/json");
        assertThat(data(first).toString()).isEqualTo("{\"schedule\":\"* * * * * *\",\"timeZone\":\"Europe/Paris\",\"scheduledTime\":\""
                + firstTime + "\",\"missed\":0}");
        assertThat(sink.published).allSatisfy(p -> {
            assertThat(p.to()).isEqualTo(BROKER);
            assertThat(p.at()).as("published no earlier than scheduled").isAfterOrEqualTo(p.event().getTime().toInstant());
        });
        Instant lastTime = sink.published.getLast().event().getTime().toInstant();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.values.get(KEY).equals(lastTime.toString()));
        assertThat(source.status().lastFired()).contains(lastTime);
        assertThat(source.status().nextFire()).isEmpty();
    }

    @Test
    void aFreshSourceStoresNowAsItsBaselineAndDoesNotFireForThePast() {
        RecordingSink sink = new RecordingSink();
        start("* * * * *", sink, InstantSource.fixed(NOW));

        assertThat(state.values).containsEntry(KEY, NOW.toString());
        assertThat(sink.published).isEmpty();
        assertThat(source.status()).isEqualTo(new CronSource.Status(
                Optional.of(Instant.parse("2025-05-01T10:11:00Z")), Optional.empty(), Optional.empty()));
    }

    @Test
    void atStartFiresOnceForTheLatestMissedTimeCountingTheSkippedOnes() throws IOException {
        state.put(KEY, "2025-05-01T10:00:00Z");
        RecordingSink sink = new RecordingSink();
        start("* * * * *", sink, InstantSource.fixed(NOW));

        assertThat(sink.ids()).containsExactly("tick@2025-05-01T10:10:00Z");
        CloudEvent event = sink.published.getFirst().event();
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.of(2025, 5, 1, 10, 10, 0, 0, ZoneOffset.UTC));
        assertThat(data(event).get("missed").asInt()).isEqualTo(9);
        await().atMost(Duration.ofSeconds(5)).until(() -> state.values.get(KEY).equals("2025-05-01T10:10:00Z"));
        assertThat(source.status().nextFire()).contains(Instant.parse("2025-05-01T10:11:00Z"));
    }

    @Test
    void atStartWithNothingMissedWaitsForTheNextTime() {
        state.put(KEY, "2025-05-01T10:10:00Z");
        RecordingSink sink = new RecordingSink();
        start("* * * * *", sink, InstantSource.fixed(NOW));

        assertThat(sink.published).isEmpty();
        assertThat(source.status().lastFired()).contains(Instant.parse("2025-05-01T10:10:00Z"));
        assertThat(source.status().nextFire()).contains(Instant.parse("2025-05-01T10:11:00Z"));
    }

    @Test
    void recordsAFiringOnlyOnceTheSinkHasStoredIt() {
        state.put(KEY, "2025-05-01T10:09:00Z");
        RecordingSink sink = RecordingSink.holding();
        start("* * * * *", sink, InstantSource.fixed(NOW));

        assertThat(sink.ids()).containsExactly("tick@2025-05-01T10:10:00Z");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> state.values.get(KEY).equals("2025-05-01T10:09:00Z"));
        assertThat(source.status().lastFired()).contains(Instant.parse("2025-05-01T10:09:00Z"));

        sink.published.getFirst().stored().complete(null);

        await().atMost(Duration.ofSeconds(5)).until(() -> state.values.get(KEY).equals("2025-05-01T10:10:00Z"));
        assertThat(source.status().lastFired()).contains(Instant.parse("2025-05-01T10:10:00Z"));
    }

    @Test
    void aFailingSinkIsReportedAndTheScheduleCarriesOn() {
        RecordingSink sink = RecordingSink.failing("the broker default is not there");
        start("* * * * * *", sink, InstantSource.system());
        String baseline = state.values.get(KEY);

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.published.size() >= 2);

        await().atMost(Duration.ofSeconds(2)).until(() -> source.status().lastError().isPresent());
        assertThat(source.status().lastError().orElseThrow().message())
                .matches("publishing the firing for \\S+ to broker:default failed: IllegalStateException: the broker default is not there");
        assertThat(source.status().nextFire()).isPresent();
        assertThat(source.status().lastFired()).isEmpty();
        assertThat(state.values).containsEntry(KEY, baseline);
    }

    @Test
    void aSinkThatThrowsAnErrorOnTheTimerIsRecordedWithItsTimeAndLoggedAndTheScheduleCarriesOn() {
        // What a class missing from the distribution does: before, the timer swallowed it, and the status said nothing.
        RecordingSink sink = new RecordingSink(event -> {
            throw new NoClassDefFoundError("io/cloudevents/jackson/JsonFormat");
        });
        try (LogCapture log = LogCapture.of(CronSource.class)) {
            Instant started = Instant.now();
            start("* * * * * *", sink, InstantSource.system());
            String baseline = state.values.get(KEY);

            await().atMost(Duration.ofSeconds(10)).until(() -> source.status().lastError().isPresent());
            Failure failure = source.status().lastError().orElseThrow();
            assertThat(failure.message()).matches("publishing the firing for \\S+ to broker:default failed:"
                    + " NoClassDefFoundError: io/cloudevents/jackson/JsonFormat");
            assertThat(failure.at()).isAfterOrEqualTo(started);
            assertThat(source.status().lastFired()).isEmpty();
            assertThat(state.values).containsEntry(KEY, baseline);
            assertThat(log.lines()).anyMatch(l -> l.matches("WARN cron source tick: publishing the firing for \\S+ to broker:default"
                    + " failed; it is not retried \\[java.lang.NoClassDefFoundError: io/cloudevents/jackson/JsonFormat]"));
            assertThat(source.status().nextFire()).as("the schedule carries on").isPresent();
        }
    }

    @Test
    void aTimerThatWakesUpEarlyWaitsAndFiresEachTimeOnce() {
        // Every delay is halved: each wake-up comes early, finds nothing due, and sleeps again.
        timer = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                return super.schedule(command, unit.toNanos(delay) / 2, TimeUnit.NANOSECONDS);
            }
        };
        RecordingSink sink = new RecordingSink();
        start("* * * * * *", sink, InstantSource.system());

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.published.size() >= 3);
        source.close();

        List<Instant> times = sink.published.stream().map(p -> p.event().getTime().toInstant()).toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).isEqualTo(times.get(i - 1).plusSeconds(1));
        }
        assertThat(sink.published).allSatisfy(p ->
                assertThat(p.at()).isAfterOrEqualTo(p.event().getTime().toInstant()));
    }

    @Test
    void publishesTheTemplatesTypeAndData() {
        state.put(KEY, "2025-05-01T10:09:00Z");
        RecordingSink sink = new RecordingSink();
        start("* * * * *", EventTemplate.of("com.example.report.due").withData("text/plain", "monthly".getBytes(UTF_8)),
                sink, InstantSource.fixed(NOW));

        CloudEvent event = sink.published.getFirst().event();
        assertThat(event.getType()).isEqualTo("com.example.report.due");
        assertThat(event.getDataContentType()).isEqualTo("text/plain");
        assertThat(new String(event.getData().toBytes(), UTF_8)).isEqualTo("monthly");
    }

    @Test
    void closingStopsTheTimer() {
        RecordingSink sink = new RecordingSink();
        start("* * * * * *", sink, InstantSource.system());
        await().atMost(Duration.ofSeconds(10)).until(() -> !sink.published.isEmpty());

        source.close();
        int fired = sink.published.size();

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> sink.published.size() == fired);
        assertThat(source.status().nextFire()).isEmpty();
    }

    @Test
    void startsOnlyOnce() {
        start("@daily", new RecordingSink(), InstantSource.fixed(NOW));
        assertThatThrownBy(source::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("cron source tick is RUNNING; start it once");
    }

    @Test
    void anUnreadableRecordIsTreatedAsAFreshStart() {
        state.put(KEY, "yesterday");
        RecordingSink sink = new RecordingSink();
        start("* * * * *", sink, InstantSource.fixed(NOW));

        assertThat(sink.published).isEmpty();
        assertThat(state.values).containsEntry(KEY, NOW.toString());
    }

    @Test
    void sleepsAtMostAMinuteSoAClockChangeIsNoticed() {
        List<Long> delays = new java.util.concurrent.CopyOnWriteArrayList<>();
        timer = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                delays.add(unit.toNanos(delay));
                return super.schedule(command, delay, unit);
            }
        };
        start("@yearly", new RecordingSink(), InstantSource.fixed(NOW.truncatedTo(ChronoUnit.SECONDS)));
        assertThat(delays).containsExactly(CronSource.MAX_SLEEP.toNanos());
        assertThat(source.status().nextFire()).contains(Instant.parse("2025-12-31T23:00:00Z"));
    }
}
