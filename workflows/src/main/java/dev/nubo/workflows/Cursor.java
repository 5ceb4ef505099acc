package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an execution stands: in which state, with which input, at which phase of it, how often each
 * retrier has retried, and until when it sleeps. It is what an execution resumes from after a
 * restart, so it is stored with every step, in the same transaction as the history events.
 *
 * @param attempts how many times the state's work was scheduled (the last number of an idempotency key)
 * @param callback what came back with the task token: {@code {"output": …}} or {@code {"error": …, "cause": …}}
 * @param variables the execution's variables ({@code Assign}), an object: recorded with the cursor, so they survive a restart
 */
record Cursor(String state, JsonNode input, Phase phase, List<Integer> retries, int attempts, Optional<Instant> wakeAt,
        Instant enteredAt, Optional<JsonNode> callback, JsonNode variables) {

    /**
     * ENTERED: the state's input is recorded, nothing done yet. SCHEDULED: its work (a task, the
     * branches) was sent and the outcome is not recorded: after a crash it is sent again. WAITING: a
     * Wait state sleeps until {@code wakeAt}. RETRYING: work failed and is sent again at {@code wakeAt}.
     * AWAITING: a {@code .waitForTaskToken} task was handed its token, and the execution waits, without
     * a thread, for it to come back. ANSWERED: it came back ({@code callback}).
     */
    enum Phase { ENTERED, SCHEDULED, WAITING, RETRYING, AWAITING, ANSWERED }

    static Cursor enter(String state, JsonNode input, Instant now) {
        return new Cursor(state, input, Phase.ENTERED, List.of(), 0, Optional.empty(), now, Optional.empty(), Json.mapper().createObjectNode());
    }

    /** The same cursor with the variables {@code assigned} set (over those set before). */
    Cursor assigning(JsonNode assigned) {
        if (assigned.isEmpty()) {
            return this;
        }
        ObjectNode all = variables.deepCopy();
        all.setAll((ObjectNode) assigned);
        return new Cursor(state, input, phase, retries, attempts, wakeAt, enteredAt, callback, all);
    }

    Cursor scheduled() {
        return new Cursor(state, input, Phase.SCHEDULED, retries, attempts + 1, Optional.empty(), enteredAt, Optional.empty(), variables);
    }

    /** Waiting for the token's answer; {@code heartbeatDue}, when the task has HeartbeatSeconds, is when it times out unless a heartbeat comes. */
    Cursor awaiting(Optional<Instant> heartbeatDue) {
        return new Cursor(state, input, Phase.AWAITING, retries, attempts, heartbeatDue, enteredAt, Optional.empty(), variables);
    }

    Cursor answered(JsonNode callback) {
        return new Cursor(state, input, Phase.ANSWERED, retries, attempts, Optional.empty(), enteredAt, Optional.of(callback), variables);
    }

    /** The token of this state's current (or, before it is sent, next) attempt: what {@code $$.Task.Token} is. */
    String token(String executionId) {
        int attempt = phase == Phase.ENTERED || phase == Phase.RETRYING ? attempts + 1 : attempts;
        return TaskToken.of(executionId, state, attempt);
    }

    Cursor sleeping(Phase phase, Instant until, List<Integer> retries) {
        return new Cursor(state, input, phase, retries, attempts, Optional.of(until), enteredAt, Optional.empty(), variables);
    }

    /** How often retrier {@code index} has retried. */
    int retried(int index) {
        return index < retries.size() ? retries.get(index) : 0;
    }

    List<Integer> retriedOnceMore(int index) {
        List<Integer> out = new ArrayList<>(retries);
        while (out.size() <= index) {
            out.add(0);
        }
        out.set(index, out.get(index) + 1);
        return List.copyOf(out);
    }

    String json() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("state", state).put("phase", phase.name()).put("attempts", attempts).put("enteredAt", enteredAt.toString());
        node.set("input", input);
        retries.forEach(node.putArray("retries")::add);
        wakeAt.ifPresent(w -> node.put("wakeAt", w.toString()));
        callback.ifPresent(c -> node.set("callback", c));
        if (!variables.isEmpty()) {
            node.set("variables", variables);
        }
        return node.toString();
    }

    static Cursor parse(String json) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            List<Integer> retries = new ArrayList<>();
            n.path("retries").forEach(r -> retries.add(r.asInt()));
            return new Cursor(n.get("state").asText(), n.get("input"), Phase.valueOf(n.get("phase").asText()), List.copyOf(retries),
                    n.path("attempts").asInt(), n.has("wakeAt") ? Optional.of(Instant.parse(n.get("wakeAt").asText())) : Optional.empty(),
                    Instant.parse(n.get("enteredAt").asText()), Optional.ofNullable(n.get("callback")),
                    n.has("variables") ? n.get("variables") : Json.mapper().createObjectNode());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored cursor is JSON this class wrote: " + json, e);
        }
    }
}
