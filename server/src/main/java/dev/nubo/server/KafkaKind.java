package dev.nubo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.kafkasource.KafkaSource;
import dev.nubo.kafkasource.KafkaSourceConfig;
import dev.nubo.kafkasource.KafkaSourceStatus;

/** {@code "kafka": {"bootstrapServers", "topic", "group"}}: an event per record of a topic. */
record KafkaKind() implements SourceKind {

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void validate(String source, Destination to, JsonNode settings) {
        config(source, to, settings);
    }

    private static KafkaSourceConfig config(String source, Destination to, JsonNode settings) {
        return new KafkaSourceConfig(source, settings.path("bootstrapServers").asText(""), settings.path("topic").asText(""),
                SourceKind.text(settings, "group").orElse(null), to);
    }

    @Override
    public Running start(String source, Destination to, JsonNode settings, Context context) {
        KafkaSource kafka = KafkaSource.start(config(source, to, settings), context.sink(), context.clock());
        return new Running() {
            @Override
            public void describe(ObjectNode node, ObjectNode status) {
                KafkaSourceStatus st = kafka.status();
                node.putObject("kafka").put("bootstrapServers", settings.path("bootstrapServers").asText())
                        .put("topic", settings.path("topic").asText())
                        .put("group", kafka.config().group());
                status.put("state", st.state().label()).put("handedOff", st.handedOff());
                SourceKind.lastError(status, st.lastError());
            }

            @Override
            public void stop() {
                kafka.close();
            }
        };
    }
}
