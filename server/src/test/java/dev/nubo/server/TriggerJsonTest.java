package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.events.Trigger;
import dev.nubo.events.TriggerStatus;
import dev.nubo.eventsink.Destination;
import dev.nubo.model.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A trigger as the API reads and shows it: the checks a request's JSON gets, and the view with stats and status. */
class TriggerJsonTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text.replace('\'', '"'));
    }

    @Test
    void aTriggerTakesItsDefaultsAndShowsItselfWithStatsAndAStatus() throws Exception {
        Trigger t = TriggerJson.parse(json("{'name':'orders','to':'orders/in','filters':[{'attribute':'type','value':'order.created'}]}"), NOW);

        ObjectNode ok = TriggerJson.view(new TriggerStatus(t, 2, 40, 1));
        assertThat(ok.toString()).isEqualTo("{\"name\":\"orders\",\"broker\":\"default\",\"filters\":[{\"attribute\":\"type\","
                + "\"match\":\"exact\",\"value\":\"order.created\"}],\"to\":\"service:orders/in\",\"delivery\":{\"attempts\":5,"
                + "\"backoff\":\"1s\",\"maxBackoff\":\"1m\",\"timeout\":\"30s\",\"deadLetter\":\"dead-letters\"},\"maxPending\":10000,"
                + "\"createdAt\":\"2026-11-21T10:00:00Z\",\"stats\":{\"pending\":2,\"delivered\":40,\"deadLettered\":1},"
                + "\"status\":{\"state\":\"ok\",\"message\":\"ok\"}}");
        ObjectNode full = TriggerJson.view(new TriggerStatus(t, 10_000, 40, 1));
        assertThat(full.path("status").path("state").asText()).isEqualTo("backlog-full");
        assertThat(full.path("status").path("message").asText()).isEqualTo("backlog full: 10000 pending; new events for it are dead-lettered");
    }

    @Test
    void aTriggerDeliversToAServiceOrAWorkflowAndItsMaxPendingIsAWholeNumber() throws Exception {
        assertThatThrownBy(() -> TriggerJson.parse(json("{'name':'c','to':'broker:default'}"), NOW))
                .hasMessage("a trigger delivers to a service or a workflow, not to broker:default");
        assertThat(TriggerJson.parse(json("{'name':'w','to':'workflow:orders'}"), NOW).to()).isEqualTo(new Destination.Workflow("orders"));
        assertThatThrownBy(() -> TriggerJson.parse(json("{'name':'text','to':'orders','maxPending':'many'}"), NOW))
                .hasMessage("maxPending must be a whole number between 1 and 1000000, not \"many\"");
        assertThatThrownBy(() -> TriggerJson.parse(json("{'name':'zero','to':'orders','maxPending':0}"), NOW))
                .hasMessage("maxPending must be between 1 and 1000000, not 0");
    }
}
