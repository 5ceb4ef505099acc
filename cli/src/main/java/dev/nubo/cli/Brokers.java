package dev.nubo.cli;

import java.net.http.HttpRequest.BodyPublishers;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo broker list|create|delete|token}: the brokers, named places that take events (from
 * {@code nubo events send}, sources, or anything that POSTs CloudEvents) and hand each to the
 * triggers whose filters it passes.
 */
@Command(name = "broker",
        description = "List, create and delete brokers: named places that take events and hand them to triggers.",
        subcommands = {Brokers.ListBrokers.class, Brokers.CreateBroker.class, Brokers.DeleteBroker.class,
                Brokers.IssueToken.class})
final class Brokers extends Group {

    static String path(String name) {
        return "/v1/brokers/" + Api.segment(name);
    }

    @Command(name = "list", aliases = "ls",
            description = "List the brokers with their number of triggers and the URL that takes their events.")
    static final class ListBrokers extends ClientCommand {

        @Mixin
        Output output;

        ListBrokers(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                Instant now = env.clock().instant();
                return printList(api, output, api.get("/v1/brokers"), "brokers",
                        "no brokers yet; create one with `nubo broker create NAME`",
                        new Table("NAME", "TRIGGERS", "URL", "AGE"), Broker.class, (table, b) -> table.row(b.name(),
                                Integer.toString(b.triggers()), b.ingestUrl(), Human.age(Optional.ofNullable(b.createdAt()), now)));
            }
        }
    }

    @Command(name = "create",
            description = "Create a broker, or leave it as it is if it exists. Its URL takes CloudEvents over HTTP.")
    static final class CreateBroker extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The broker, e.g. default or orders.")
        String name;

        @Mixin
        Output output;

        CreateBroker(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                // The name in the path is all there is to say; hence no body.
                Api.Answer answer = api.call(api.request(path(name)).PUT(BodyPublishers.noBody()));
                if (output.json()) {
                    printJson(answer.json());
                    return 0;
                }
                Broker broker = api.read(answer.json(), Broker.class);
                String where = "; send events to " + broker.ingestUrl();
                if (answer.status() == 201) {
                    new Screen(out(), env).done("broker " + broker.name() + " created" + where);
                } else {
                    out().println("broker " + broker.name() + " exists already" + where);
                    out().flush();
                }
                return 0;
            }
        }
    }

    @Command(name = "token", description = "Issue a producer token: it may publish into this broker and do nothing else."
            + " Shown once; a new one replaces the previous one.")
    static final class IssueToken extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The broker.")
        String name;

        @Mixin
        Output output;

        IssueToken(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                Api.Answer answer = api.call(api.request(path(name) + "/producer-token").POST(BodyPublishers.noBody()));
                if (output.json()) {
                    printJson(answer.json());
                    return 0;
                }
                out().println(answer.json().get("token").asText());
                out().flush();
                err().println("a producer token for broker " + name + " (shown once; the previous one no longer works):"
                        + " send it as `Authorization: Bearer <token>` to " + answer.json().get("ingest").asText());
                err().flush();
                return 0;
            }
        }
    }

    @Command(name = "delete", description = "Delete a broker that no trigger uses.")
    static final class DeleteBroker extends ClientCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The broker.")
        String name;

        DeleteBroker(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            return delete(path(name), "broker ", name);
        }
    }
}
