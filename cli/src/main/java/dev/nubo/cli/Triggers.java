package dev.nubo.cli;

import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo trigger create|list|describe|delete}: the subscriptions that take a broker's events
 * whose attributes pass their filters to a service, with retries and a dead-letter sink.
 */
@Command(name = "trigger",
        description = "Create, list, describe and delete triggers: which events of a broker go to which service.",
        subcommands = {CreateTrigger.class, Triggers.ListTriggers.class, Triggers.DescribeTrigger.class,
                Triggers.DeleteTrigger.class})
final class Triggers extends Group {

    static String path(String name) {
        return "/v1/triggers/" + Api.segment(name);
    }

    /** The lines of {@code nubo trigger describe}. */
    static void print(Trigger t, Instant now, PrintWriter out) {
        out.println("Name:      " + t.name());
        out.println("Broker:    " + t.broker());
        out.println("Filters:   " + (t.filters().isEmpty() ? "none: every event of the broker" : t.filterText()));
        out.println("To:        " + t.to());
        out.println("Delivery:  " + t.delivery().text());
        out.println("Created:   " + Human.when(t.createdAt(), now));
        Trigger.Stats s = t.stats();
        out.println("Events:    " + s.pending() + " pending" + (t.maxPending() == null ? "" : " of at most " + t.maxPending())
                + ", " + s.delivered() + " delivered, " + s.deadLettered() + " dead-lettered" + (s.deadLettered() == 0 ? ""
                        : " (`nubo events dead-letters --trigger " + t.name() + "` lists them)"));
        if (t.status() != null) {
            out.println("Status:    " + t.status().message());
        }
        out.flush();
    }

    /** The PENDING column: the count, marked when the backlog is full (new events then go to the dead letters). */
    static String pending(Trigger t) {
        return t.stats().pending() + (t.status() != null && t.status().backlogFull() ? " (full)" : "");
    }

    @Command(name = "list", aliases = "ls",
            description = "List the triggers with their filters, target and how many events are pending, delivered "
                    + "and dead-lettered; PENDING says (full) when a trigger's backlog is full and new events for it "
                    + "go to the dead letters.")
    static final class ListTriggers extends ClientCommand {

        @Mixin
        Output output;

        ListTriggers(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get("/v1/triggers"), "triggers",
                        "no triggers yet; create one with `nubo trigger create NAME --to SERVICE`",
                        new Table("NAME", "BROKER", "FILTERS", "TO", "PENDING", "DELIVERED", "DEAD"), Trigger.class,
                        (table, t) -> table.row(t.name(), t.broker(), t.filters().isEmpty() ? "all events" : t.filterText(),
                                t.to(), pending(t), Long.toString(t.stats().delivered()), Long.toString(t.stats().deadLettered())));
            }
        }
    }

    @Command(name = "describe", description = "Show a trigger: its filters, target, delivery, event counts and status.")
    static final class DescribeTrigger extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The trigger.")
        String name;

        @Mixin
        Output output;

        DescribeTrigger(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return show(output, path(name), Trigger.class, Triggers::print);
        }
    }

    @Command(name = "delete",
            description = "Delete a trigger: the broker's events stop going to its target.")
    static final class DeleteTrigger extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The trigger.")
        String name;

        DeleteTrigger(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete(path(name), "trigger ", name);
        }
    }
}
