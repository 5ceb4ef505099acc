package dev.nubo.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nubo logs NAME [--access] [-f] [--since 10m] [--grep RE] [--request ID | --trace TRACE_ID] [-o json]}: the service's log lines, printed as they arrive. */
@Command(name = "logs",
        description = "Print a service's logs (all instances, oldest first); with -f keep following until Ctrl-C.")
final class Logs extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Option(names = {"-f", "--follow"}, description = "Keep the stream open and print new lines as they are written.")
    boolean follow;

    @Option(names = "--tail", paramLabel = "N", description = "How many past lines to send first (server default 100, at most 10000).")
    Integer tail;

    @Option(names = "--revision", paramLabel = "REVISION", description = "Only this revision's instances.")
    String revision;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only lines written since then: a duration before now (10m, 24h, 7d) or an ISO-8601 time.")
    String since;

    @Option(names = "--grep", paramLabel = "REGEX", description = "Only lines a regular expression (Java's syntax) finds something in.")
    String grep;

    @Option(names = "--request", paramLabel = "ID", description = "Only lines of one request: those naming its id (X-Request-Id), as Nubo's runtimes write it into every line logged during an invocation.")
    String request;

    @Option(names = "--trace", paramLabel = "TRACE_ID", description = "Only lines of the requests to NAME in one trace Nubo keeps"
            + " (`nubo trace TRACE_ID`): its spans name their request ids, which the runtimes write into every line.")
    String trace;
    @Option(names = "--access", description = "The service's access log instead: one line per request through the gateway"
            + " (time, revision, method, path, status, duration, bytes in and out, request id, client address).")
    boolean access;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: one JSON object a line, {time, instance, stream, text}.")
    Output.Format format;

    Logs(Env env) {
        super(env);
    }

    /**
     * Turns {@code --trace} into the request ids the trace's spans of this service name: one becomes
     * {@code --request}, several a {@code --grep} for any of them. Lines carry request ids, not trace ids,
     * because the runtimes keep Lambda's line format.
     */
    private void byTrace() {
        if (request != null || grep != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--trace picks the requests itself; leave out --request and --grep");
        }
        java.util.Set<String> ids = new java.util.TreeSet<>();
        try (Api api = api()) {
            api.get("/v1/traces/" + Api.query(trace)).path("spans").forEach(span -> {
                String id = span.path("attributes").path("nubo.request_id").asText("");
                if (span.path("service").asText().equals(name) && !id.isEmpty()) {
                    ids.add(id);
                }
            });
        }
        if (ids.isEmpty()) {
            throw new CommandError("trace " + trace + " has no request to " + name + " among the spans Nubo keeps",
                    "`nubo trace " + trace + "` shows the services it went through");
        }
        if (ids.size() == 1) {
            request = ids.iterator().next();
        } else {
            grep = String.join("|", ids.stream().map(java.util.regex.Pattern::quote).toList());
        }
    }

    @Override
    public Integer call() {
        if (trace != null) {
            byTrace();
        }
        StringBuilder query = new StringBuilder("?follow=" + follow);
        if (tail != null) {
            query.append("&tail=").append(tail);
        }
        if (revision != null) {
            query.append("&revision=").append(Api.query(revision));
        }
        if (since != null) {
            query.append("&since=").append(Api.query(since));
        }
        if (grep != null) {
            query.append("&grep=").append(Api.query(grep));
        }
        if (request != null) {
            query.append("&request=").append(Api.query(request));
        }
        if (access) {
            query.append("&access=true");
        }
        if (format == Output.Format.json) {
            query.append("&format=json");
        }
        try (Api api = api()) {
            // No timeout: a followed stream is open for as long as the user watches it.
            var request = api.request("/v1/services/" + Api.segment(service(name)) + "/logs" + query).GET().build();
            HttpResponse<Stream<String>> response = api.send(request, BodyHandlers.ofLines());
            try (Stream<String> lines = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw api.error(response.statusCode(), lines.collect(Collectors.joining("\n")));
                }
                PrintWriter out = out();
                lines.forEach(line -> {
                    out.println(line);
                    out.flush();
                });
            } catch (UncheckedIOException e) {
                throw new CommandError("the log stream from " + api.address() + " broke off ("
                        + e.getCause().getMessage() + ")", "is the server still running? Run the command again");
            }
            return 0;
        }
    }
}
