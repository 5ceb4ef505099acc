package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * How a Task state's work is done: a call of a Nubo service with the task's input. An answer is the
 * result; a failure is thrown as the language's error. The server's is {@link #throughGateway}.
 */
public interface Tasks {

    /**
     * @param idempotencyKey the same for every send of one attempt ({@code EXECUTION/STATE/ATTEMPT}):
     *     a task resent after a crash carries the key it had
     */
    record Call(String service, JsonNode input, String idempotencyKey, Optional<Duration> timeout) {}

    /** The result, or {@link StatesError} with the error's name and cause. */
    JsonNode call(Call call) throws InterruptedException;

    /** Calls services through Nubo's gateway at {@code host:port}, as {@code SERVICE.domain}. */
    static Tasks throughGateway(String host, int port, String domain) {
        return new GatewayTasks(host, port, domain);
    }
}
