package dev.nubo.workflows;

import dev.nubo.model.UserError;
import java.util.Locale;

/**
 * How a workflow's executions are kept: {@code standard} ones are durable (a history in the store,
 * resumed after a crash); {@code express} ones run in memory for high rates, without a history, and
 * are lost with the server (as Step Functions' Express workflows, which keep no execution history either).
 */
public enum WorkflowType {
    STANDARD, EXPRESS;

    /** The type as nubo.yaml and the API spell it: {@code standard} or {@code express}; anything else is a 400. */
    public static WorkflowType of(String text) {
        for (WorkflowType t : values()) {
            if (t.text().equals(text)) {
                return t;
            }
        }
        throw UserError.badRequest("workflow.type", "workflow type \"" + text + "\" is not known",
                "use type: standard (durable, the default) or type: express (in memory, no history)");
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
