package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo invocations NAME [ID]}: the asynchronous invocations of a service ({@code nubo invoke
 * --async}), newest first, or one of them with the service's response.
 */
@Command(name = "invocations",
        description = "List a service's asynchronous invocations (`nubo invoke NAME --async`), newest first, or show "
                + "one with the service's response.")
final class Invocations extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "One invocation, e.g. inv-01JD7X.")
    String id;

    @Option(names = "--limit", paramLabel = "N", description = "List at most this many.")
    Integer limit;

    @Mixin
    Output output;

    Invocations(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        if (id != null && limit != null) {
            throw new ParameterException(spec.commandLine(), "--limit applies to the listing, not to one invocation");
        }
        String query = limit == null ? "" : "?limit=" + atLeastOne(limit, "--limit");
        try (Api api = api()) {
            JsonNode json = api.get(id == null ? "/v1/services/" + Api.segment(service(name)) + "/invocations" + query
                    : "/v1/invocations/" + Api.segment(id));
            Instant now = env.clock().instant();
            if (id != null) {
                Invocation invocation = api.read(json, Invocation.class);
                if (!invocation.service().isEmpty() && !invocation.service().equals(name)) {
                    throw new CommandError("invocation " + id + " is of service " + invocation.service() + ", not " + name,
                            "see it with `nubo invocations " + invocation.service() + " " + id + "`");
                }
                if (output.json()) {
                    printJson(json);
                } else {
                    print(invocation, now, out());
                }
                return 0;
            }
            return printList(api, output, json, "invocations",
                    "no invocations of " + name + " yet; queue one with `nubo invoke " + name + " --async`",
                    new Table("ID", "STATUS", "ATTEMPTS", "DURATION", "CREATED", "ERROR"), Invocation.class,
                    (table, i) -> table.row(i.id(), i.status(), i.attempts() + "/" + i.maxAttempts(),
                            i.durationMs() == null ? "-" : Human.millis(i.durationMs()),
                            i.createdAt() == null ? "-" : Human.relative(i.createdAt(), now), error(i)));
        }
    }

    static void print(Invocation i, Instant now, PrintWriter out) {
        out.println("ID:        " + i.id());
        out.println("Service:   " + i.service());
        out.println("Path:      " + (i.path().isEmpty() ? "/" : i.path()));
        out.println("Status:    " + i.status());
        out.println("Attempts:  " + i.attempts() + " of " + i.maxAttempts());
        out.println("Created:   " + Human.when(i.createdAt(), now));
        out.println("Started:   " + Human.when(i.startedAt(), now));
        out.println("Finished:  " + Human.when(i.finishedAt(), now)
                + (i.durationMs() == null ? "" : ", took " + Human.millis(i.durationMs())));
        if (!i.error().isEmpty()) {
            out.println("Error:     " + i.error());
        }
        if (i.answered().isEmpty()) {
            out.println("Response:  " + (i.finishedAt() == null ? "none yet" : "none"));
            out.flush();
            return;
        }
        Invocation.Response r = i.answered().get();
        String head = "Response:  " + (r.statusCode() == null ? "" : "HTTP " + r.statusCode())
                + (r.contentType().isEmpty() ? "" : ", " + r.contentType());
        if (r.bodyBase64() != null) {
            out.println(head + ", a body that is not text (-o json shows it in base64)");
        } else if (r.body() == null || r.body().isEmpty()) {
            out.println(head + ", no body");
        } else {
            out.println(head);
            out.println();
            out.print(r.body().endsWith("\n") ? r.body() : r.body() + "\n");
        }
        out.flush();
    }

    /** What went wrong, if anything: the server's words, else the failed call's status. */
    private static String error(Invocation i) {
        if (!i.error().isEmpty()) {
            return i.error().lines().findFirst().orElse("-");
        }
        return i.status().equals("failed") && i.statusCode() != null ? "HTTP " + i.statusCode() : "-";
    }
}
