package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The events:putEvents task: EventBridge's entries as events in Nubo's brokers. */
class PutEventsTest {

    final Map<String, List<EventBus.Entry>> published = new ConcurrentHashMap<>();
    final EventBus bus = (broker, entries) -> {
        if (broker.equals("missing")) {
            throw UserError.notFound("broker.not_found", "no broker missing", "create it");
        }
        published.put(broker, entries);
    };

    @Test
    void publishesEachEntryIntoItsBrokerWithIdsFromTheIdempotencyKey() throws Exception {
        JsonCall call = new JsonCall("""
                {"Entries": [{"Source": "/shop", "DetailType": "order.placed", "Detail": {"order": 7}},
                             {"Source": "/shop", "DetailType": "order.audit", "Detail": "{\\"order\\": 7}",
                              "EventBusName": "arn:aws:events:eu-west-1:123456789012:event-bus/audit"}]}""");

        assertThat(PutEvents.call(bus, "Tell", call.input, "wf:e1/Tell/1"))
                .isEqualTo(json("{'Entries': [{'EventId': 'wf:e1/Tell/1#0'}, {'EventId': 'wf:e1/Tell/1#1'}], 'FailedEntryCount': 0}"));
        assertThat(published.get("default")).containsExactly(new EventBus.Entry("wf:e1/Tell/1#0", "/shop", "order.placed", json("{'order': 7}")));
        assertThat(published.get("audit")).containsExactly(new EventBus.Entry("wf:e1/Tell/1#1", "/shop", "order.audit", json("{'order': 7}")));
    }

    @Test
    void aMissingBrokerOrEntryFailsTheTaskSayingWhich() {
        assertThatThrownBy(() -> PutEvents.call(bus, "Tell", new JsonCall("""
                {"Entries": [{"Source": "/shop", "DetailType": "x", "EventBusName": "missing"}]}""").input, "k"))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.TaskFailed"))
                .hasMessageContaining("broker missing did not take the events: no broker missing");
        assertThatThrownBy(() -> PutEvents.call(bus, "Tell", json("{'Entries': []}"), "k"))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.cause())
                        .isEqualTo("state \"Tell\": events:putEvents needs Entries, a list of 1 to 10 events"));
    }

    @Test
    void theResourceParsesAndADefinitionCallingItDeploys() {
        assertThat(Resource.parse("arn:aws:states:::events:putEvents")).containsInstanceOf(Resource.PutEvents.class);
        assertThat(Definitions.parse("""
                {"StartAt": "Tell", "States": {"Tell": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                  "Parameters": {"Entries": [{"Source": "/shop", "DetailType": "x", "Detail.$": "$"}]}, "End": true}}}""").startAt())
                .isEqualTo("Tell");
    }

    private record JsonCall(com.fasterxml.jackson.databind.JsonNode input) {
        JsonCall(String text) {
            this(read(text));
        }

        static com.fasterxml.jackson.databind.JsonNode read(String text) {
            try {
                return dev.nubo.model.Json.mapper().readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
