package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo events dead-letters|replay|discard}: the events that were not delivered after their
 * last attempt, from triggers, asynchronous invocations and sources, and what to do with them.
 */
final class DeadLetters {

    private DeadLetters() {}

    @Command(name = "dead-letters",
            description = "List the events that could not be delivered after their last attempt.")
    static final class ListDeadLetters extends ClientCommand {

        @Option(names = "--trigger", paramLabel = "NAME", description = "Only those of this trigger.")
        String trigger;

        @Option(names = "--limit", paramLabel = "N", description = "At most this many.")
        Integer limit;

        @Mixin
        Output output;

        ListDeadLetters(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            List<String> query = new ArrayList<>();
            if (trigger != null) {
                query.add("trigger=" + Api.query(trigger));
            }
            if (limit != null) {
                query.add("limit=" + atLeastOne(limit, "--limit"));
            }
            try (Api api = api()) {
                Instant now = env.clock().instant();
                return printList(api, output, api.get("/v1/dead-letters" + (query.isEmpty() ? "" : "?" + String.join("&", query))),
                        "deadLetters", trigger == null ? "no dead letters" : "no dead letters of trigger " + trigger,
                        new Table("ID", "ORIGIN", "TO", "ATTEMPTS", "DEAD-AT", "TYPE", "EVENT-ID", "REASON"), DeadLetter.class,
                        (table, d) -> table.row(Long.toString(d.id()), d.origin(), d.to(), Integer.toString(d.attempts()),
                                d.deadAt() == null ? "-" : Human.relative(d.deadAt(), now), d.attribute("type"),
                                d.attribute("id"), d.reason().lines().findFirst().orElse("-")));
            }
        }
    }

    @Command(name = "replay",
            description = "Send dead letters again, to where they were going.",
            footerHeading = "%nExamples:%n",
            footer = {
                    "  nubo events replay 17 18", "  nubo events replay --trigger orders", "  nubo events replay --all"})
    static final class Replay extends ClientCommand {

        @Parameters(paramLabel = "ID", arity = "0..*",
                description = "The dead letters, as `nubo events dead-letters` lists them.")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--trigger", paramLabel = "NAME", description = "Every dead letter of this trigger.")
        String trigger;

        @Option(names = "--all", description = "Every dead letter.")
        boolean all;

        Replay(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            int forms = (ids.isEmpty() ? 0 : 1) + (trigger == null ? 0 : 1) + (all ? 1 : 0);
            if (forms != 1) {
                throw new ParameterException(spec.commandLine(), forms == 0
                        ? "Say which dead letters to replay: IDs, --trigger NAME or --all"
                        : "Give one of IDs, --trigger NAME or --all, not several");
            }
            try (Api api = api()) {
                if (ids.isEmpty()) {
                    String path = "/v1/dead-letters/replay" + (trigger == null ? "" : "?trigger=" + Api.query(trigger));
                    List<Long> replayed = replayed(post(api, path));
                    out().println(replayed.isEmpty()
                            ? "no dead letters " + (trigger == null ? "" : "of trigger " + trigger + " ") + "to replay"
                            : "replayed " + Human.count(replayed.size(), "dead letter") + ": " + join(replayed));
                    out().flush();
                    return 0;
                }
                oneByOne(this, ids, id -> replayed(post(api, "/v1/dead-letters/" + id + "/replay")), "replayed");
                return 0;
            }
        }

        /** The path and query say what to replay; the request has no body. */
        private static JsonNode post(Api api, String path) {
            return api.call(api.request(path).POST(BodyPublishers.noBody())).json();
        }

        private static List<Long> replayed(JsonNode answer) {
            return StreamSupport.stream(answer.path("replayed").spliterator(), false).map(JsonNode::asLong).toList();
        }
    }

    @Command(name = "discard", description = "Delete dead letters for good.")
    static final class Discard extends ClientCommand {

        @Parameters(paramLabel = "ID", arity = "1..*",
                description = "The dead letters, as `nubo events dead-letters` lists them.")
        List<Long> ids = new ArrayList<>();

        Discard(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                oneByOne(this, ids, id -> List.of(api.delete("/v1/dead-letters/" + id).path("deleted").asLong(id)),
                        "discarded");
                return 0;
            }
        }
    }

    /**
     * Does {@code action} to each id in turn and says which it was done to; the first refusal ends
     * the command, after saying what was done before it.
     */
    private static void oneByOne(ClientCommand command, List<Long> ids, LongFunction<List<Long>> action, String done) {
        List<Long> succeeded = new ArrayList<>();
        try {
            for (long id : ids) {
                succeeded.addAll(action.apply(id));
            }
        } finally {
            if (!succeeded.isEmpty()) {
                command.out().println(done + " " + Human.count(succeeded.size(), "dead letter") + ": " + join(succeeded));
                command.out().flush();
            }
        }
    }

    private static String join(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
