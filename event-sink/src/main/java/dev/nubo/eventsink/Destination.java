package dev.nubo.eventsink;

import dev.nubo.model.UserError;
import java.util.regex.Pattern;

/**
 * Where an event goes: into a broker (which fans it out to its triggers), straight to a service
 * (delivered through the gateway, with retries), to a workflow (it starts an execution), or into the
 * dead-letter store.
 *
 * <p>Written as text in the API, the CLI and descriptors: {@code broker:NAME}, {@code service:NAME[/path]}
 * (or just {@code NAME[/path]}), {@code workflow:NAME} and {@code dead-letters}.
 */
public sealed interface Destination {

    /** Where one delivery goes, attempt after attempt: a service or a workflow. */
    sealed interface Target extends Destination permits Service, Workflow {
        String name();
    }

    Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    /** Into the broker {@code name}: stored, then delivered to every trigger whose filters match. */
    record Broker(String name) implements Destination {
        public Broker {
            requireName(name, "broker");
        }

        @Override
        public String toString() {
            return "broker:" + name;
        }
    }

    /** To the service {@code name} at {@code path} (starting with {@code /}), as a binary-mode CloudEvent. */
    record Service(String name, String path) implements Target {
        public Service {
            requireName(name, "service");
            if (!path.startsWith("/")) {
                throw UserError.badRequest("destination.invalid", "the path " + path + " of service " + name + " does not start with /",
                        "write SERVICE/path, e.g. orders/events");
            }
        }

        @Override
        public String toString() {
            return "service:" + name + (path.equals("/") ? "" : path);
        }
    }

    /**
     * To the workflow {@code name}: each event starts an execution with the event (structured JSON) as its
     * input, named after the event's id, so that an event delivered twice starts it once.
     */
    record Workflow(String name) implements Target {
        public Workflow {
            requireName(name, "workflow");
        }

        @Override
        public String toString() {
            return "workflow:" + name;
        }
    }

    /** Into the dead-letter store, listed by {@code nubo events dead-letters} and replayable. */
    record DeadLetters() implements Destination {
        @Override
        public String toString() {
            return "dead-letters";
        }
    }

    /**
     * Parses {@code broker:NAME}, {@code service:NAME[/path]}, {@code NAME[/path]}, {@code workflow:NAME} or {@code dead-letters}.
     *
     * @throws UserError 400 {@code destination.invalid} naming what is wrong
     */
    static Destination parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("dead-letters")) {
            return new DeadLetters();
        }
        if (t.startsWith("broker:")) {
            return new Broker(t.substring("broker:".length()));
        }
        if (t.startsWith("workflow:")) {
            return new Workflow(t.substring("workflow:".length()));
        }
        String service = t.startsWith("service:") ? t.substring("service:".length()) : t;
        int slash = service.indexOf('/');
        return slash < 0 ? new Service(service, "/") : new Service(service.substring(0, slash), service.substring(slash));
    }

    private static void requireName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw UserError.badRequest("destination.invalid", "'" + name + "' is not a " + what + " name",
                    "a " + what + " name is lowercase letters, digits and dashes, starting with a letter; write broker:NAME, "
                            + "service:NAME[/path] (or NAME[/path]), workflow:NAME or dead-letters");
        }
    }
}
