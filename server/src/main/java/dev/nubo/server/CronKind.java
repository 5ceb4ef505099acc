package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.sources.CronConfig;
import dev.nubo.sources.CronSchedule;
import dev.nubo.sources.CronSource;
import dev.nubo.sources.EventTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/** {@code "cron": {"schedule", "timeZone", "type", "data", "contentType"}}: an event per firing of a schedule. */
record CronKind() implements SourceKind {

    @Override
    public String name() {
        return "cron";
    }

    @Override
    public void validate(String source, Destination to, JsonNode settings) {
        config(source, to, settings);
    }

    private static CronConfig config(String source, Destination to, JsonNode settings) {
        EventTemplate template = EventTemplate.of(SourceKind.text(settings, "type").orElse(EventTemplate.DEFAULT_TYPE));
        Optional<String> data = SourceKind.text(settings, "data");
        if (data.isPresent()) {
            template = template.withData(SourceKind.text(settings, "contentType").orElse("application/json"),
                    data.get().getBytes(StandardCharsets.UTF_8));
        }
        return new CronConfig(source, CronSchedule.parse(settings.path("schedule").asText(""),
                SourceKind.text(settings, "timeZone").orElse(null)), to, template);
    }

    @Override
    public Running start(String source, Destination to, JsonNode settings, Context context) {
        CronConfig config = config(source, to, settings);
        CronSource cron = new CronSource(config, context.sink(), context.state(), context.clock(), context.timer());
        cron.start();
        return new Running() {
            @Override
            public void describe(ObjectNode node, ObjectNode status) {
                CronSource.Status st = cron.status();
                node.putObject("cron").put("schedule", settings.path("schedule").asText())
                        .put("timeZone", SourceKind.text(settings, "timeZone").orElse("UTC"))
                        .put("type", SourceKind.text(settings, "type").orElse(EventTemplate.DEFAULT_TYPE))
                        .put("description", config.schedule().words());
                status.put("state", "running").put("next", st.nextFire().map(Instant::toString).orElse(null))
                        .put("lastFired", st.lastFired().map(Instant::toString).orElse(null));
                SourceKind.lastError(status, st.lastError());
            }

            @Override
            public void stop() {
                cron.close();
            }
        };
    }
}
