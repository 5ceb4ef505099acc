package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where the interpreter records its steps before it acts on them. The execution's journal writes them
 * to the store ({@link Run}); a Parallel branch or a Map item keeps them nowhere ({@link #NONE}): the
 * whole Parallel or Map state is the unit that is recorded, and sent again after a crash.
 */
interface Journal {

    /** Records events and the cursor they lead to; false when the execution was stopped meanwhile. */
    boolean step(List<Event> events, Cursor next);

    /** Records the last events and how the execution ended; false when it was stopped meanwhile. */
    boolean end(List<Event> events, Ending ending);

    Journal NONE = new Journal() {
        @Override
        public boolean step(List<Event> events, Cursor next) {
            return true;
        }

        @Override
        public boolean end(List<Event> events, Ending ending) {
            return true;
        }
    };

    /** How a run of a state machine ended. */
    sealed interface Ending {
        record Succeeded(JsonNode output) implements Ending {}

        record Failed(String error, String cause) implements Ending {}

        /** Someone stopped the execution; its record says so already. */
        record Stopped() implements Ending {}

        /** The execution waits for a task token to come back; the callback starts a new run. */
        record Suspended() implements Ending {}
    }
}
