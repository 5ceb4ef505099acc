package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import org.junit.jupiter.api.Test;

/** Source kinds as types: found by their API name, each checking its own settings and hiding its own secrets. */
class SourceKindTest {

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text.replace('\'', '"'));
    }

    @Test
    void aKindIsFoundByItsNameAndAnUnknownOneIsRefusedNamingThoseThereAre() {
        assertThat(SourceKind.ALL).extracting(SourceKind::name).containsExactly("cron", "webhook", "kafka");
        assertThat(SourceKind.named("kafka")).isInstanceOf(KafkaKind.class);
        assertThatThrownBy(() -> SourceKind.named("ftp")).hasMessage("'ftp' is not a source kind")
                .extracting("hint").isEqualTo("use cron, webhook or kafka");
    }

    @Test
    void eachKindChecksItsOwnSettings() throws Exception {
        Destination to = Destination.parse("broker:default");
        assertThatThrownBy(() -> SourceKind.named("cron").validate("nightly", to, json("{'schedule':'61 * * * *'}")))
                .hasMessageContaining("61");
        assertThatThrownBy(() -> SourceKind.named("kafka").validate("orders", to, json("{'bootstrapServers':'x','topic':'t'}")))
                .hasMessage("bootstrapServers of Kafka source orders: 'x' is not host:port");
        assertThatThrownBy(() -> SourceKind.named("webhook").validate("gh", to, json("{'type':' '}")))
                .hasMessage("the event type of webhook gh is empty");
        SourceKind.named("webhook").validate("gh", to, json("{'secret':'s3cret','type':'push'}"));
    }

    @Test
    void aWebhookNeverShowsItsSecret() throws Exception {
        assertThat(SourceKind.named("webhook").shown(json("{'secret':'s3cret','type':'push'}")).toString()).isEqualTo("{\"type\":\"push\"}");
        assertThat(SourceKind.named("cron").shown(json("{'schedule':'@daily'}")).toString()).isEqualTo("{\"schedule\":\"@daily\"}");
    }
}
