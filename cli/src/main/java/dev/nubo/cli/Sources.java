package dev.nubo.cli;

import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo source create|list|describe|delete}: what turns the outside into events — a schedule,
 * a webhook, a Kafka topic — for a service or a broker.
 */
@Command(name = "source",
        description = "Create, list, describe and delete event sources: a schedule, a webhook or a Kafka topic whose "
                + "events go to a service or a broker.",
        subcommands = {CreateSource.class, Sources.ListSources.class, Sources.DescribeSource.class,
                Sources.DeleteSource.class})
final class Sources extends Group {

    static String path(String name) {
        return "/v1/sources/" + Api.segment(name);
    }

    /** The lines of {@code nubo source describe}. */
    static void print(Source s, Instant now, PrintWriter out) {
        out.println("Name:      " + s.name());
        out.println("Kind:      " + s.kind());
        out.println("To:        " + s.to());
        out.println("State:     " + (s.status().state().isEmpty() ? "-" : s.status().state()));
        if (s.cron() != null) {
            out.println("Schedule:  " + s.cron().text());
            if (s.status().next() != null) {
                out.println("Next:      " + Human.when(s.status().next(), now));
            }
            out.println("Fired:     " + (s.status().lastFired() == null ? "not yet" : "last at " + Human.when(s.status().lastFired(), now)));
            typeLine(s.cron().type(), out);
        }
        if (s.webhook() != null) {
            out.println("URL:       " + (s.url().isEmpty() ? "-" : s.url()));
            if (s.webhook().signed() != null) {
                out.println("Signed:    " + (s.webhook().signed() ? "yes: requests must be signed with the secret"
                        : "no: anyone who can reach the URL can send events"));
            }
            typeLine(s.webhook().type(), out);
            if (s.status().accepted() != null) {
                out.println("Accepted:  " + Human.count(s.status().accepted(), "request")
                        + (s.status().lastAccepted() == null ? "" : ", the last " + Human.when(s.status().lastAccepted(), now)));
            }
        }
        if (s.kafka() != null) {
            out.println("Bootstrap: " + s.kafka().bootstrapServers());
            out.println("Topic:     " + s.kafka().topic());
            if (s.kafka().group() != null) {
                out.println("Group:     " + s.kafka().group());
            }
            if (s.status().handedOff() != null) {
                out.println("Stored:    " + Human.count(s.status().handedOff(), "record"));
            }
        }
        out.println("Created:   " + Human.when(s.createdAt(), now));
        if (!s.status().lastError().isEmpty()) {
            out.println("Error:     " + s.status().lastError());
            if (s.status().lastErrorAt() != null) {
                out.println("Error at:  " + Human.when(s.status().lastErrorAt(), now));
            }
        }
        out.flush();
    }

    private static void typeLine(String type, PrintWriter out) {
        if (type != null) {
            out.println("Type:      " + type);
        }
    }

    @Command(name = "list", aliases = "ls",
            description = "List the sources with their kind, target, state and what they read: schedule, URL or topic.")
    static final class ListSources extends ClientCommand {

        @Mixin
        Output output;

        ListSources(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get("/v1/sources"), "sources",
                        "no sources yet; create one with `nubo source create cron|webhook|kafka NAME ...`",
                        new Table("NAME", "KIND", "TO", "STATE", "DETAIL"), Source.class, (table, s) -> table.row(s.name(),
                                s.kind(), s.to(), s.status().state().isEmpty() ? "-" : s.status().state(), s.detail()));
            }
        }
    }

    @Command(name = "describe",
            description = "Show a source: what it reads, where its events go, its state and last error.")
    static final class DescribeSource extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The source.")
        String name;

        @Mixin
        Output output;

        DescribeSource(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return show(output, path(name), Source.class, Sources::print);
        }
    }

    @Command(name = "delete", description = "Delete a source: it stops making events.")
    static final class DeleteSource extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The source.")
        String name;

        DeleteSource(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete(path(name), "source ", name);
        }
    }
}
