package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code nubo invoke NAME}: call the service through the control API, as a client of its URL would,
 * and print what it answered. Exit 0 for a 2xx, 1 otherwise, so scripts can test a deploy. With
 * {@code --async} the server queues the request instead ({@code Nubo-Invocation-Type: Event}) and
 * answers at once with the invocation's id, which {@code nubo invocations} follows.
 */
@Command(name = "invoke",
        description = "Send a request to a service and print its response body.")
final class Invoke extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Option(names = {"-d", "--data"}, paramLabel = "BODY",
            description = "The request body: JSON text, @FILE for a file's bytes, or - for standard input.")
    String data;

    @Option(names = "--path", paramLabel = "PATH", description = "The path to call instead of /, e.g. /hello.")
    String path;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", converter = HeaderConverter.class,
            description = "A request header; repeat for more. Content-Type defaults to application/json.")
    List<Header> headers = new ArrayList<>();

    @Option(names = {"-i", "--include"}, description = "Print the status line and response headers before the body.")
    boolean include;

    @Option(names = "--async", description = "Queue the request and return at once: the server calls the service in "
            + "the background and retries failures; `nubo invocations NAME` shows how it went.")
    boolean async;

    Invoke(Env env) {
        super(env);
    }

    record Header(String name, String value) {}

    @Override
    public Integer call() {
        byte[] body = data == null ? new byte[0] : Data.read(data, env, "the request body");
        try (Api api = api()) {
            String target = "/v1/services/" + Api.segment(service(name)) + "/invoke"
                    + (path == null ? "" : "?path=" + Api.query(path));
            HttpRequest.Builder request = api.request(target).POST(BodyPublishers.ofByteArray(body));
            if (headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Content-Type"))) {
                request.header("Content-Type", "application/json");
            }
            if (async) {
                request.header("Nubo-Invocation-Type", "Event");
            }
            for (Header h : headers) {
                try {
                    request.header(h.name(), h.value());
                } catch (IllegalArgumentException e) {
                    throw new CommandError("nubo invoke cannot send the header " + h.name() + " (" + e.getMessage() + ")",
                            "leave it out; the HTTP client sets it");
                }
            }
            HttpResponse<byte[]> response = api.send(request.build(), BodyHandlers.ofByteArray());
            boolean ok = response.statusCode() / 100 == 2;
            if (!ok && fromTheApi(response)) {
                throw api.error(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            }
            if (async && response.statusCode() == 202) {
                printHead(response);
                out().println("invocation " + invocationId(response) + " queued; see: nubo invocations " + name);
                out().flush();
                return 0;
            }
            print(response);
            if (async && ok) {
                err().println("note: the server called " + name + " at once rather than queueing the request; "
                        + "it does not take asynchronous invocations");
                err().flush();
            }
            if (!ok) {
                err().println("error: HTTP " + response.statusCode() + " from " + name);
                err().flush();
            }
            return ok ? 0 : ErrorReport.FAILED;
        }
    }

    /** The body, ended with a newline if it has none, so that the shell's prompt starts on a line of its own. */
    private void print(HttpResponse<byte[]> response) {
        printHead(response);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        out().print(body.isEmpty() || body.endsWith("\n") ? body : body + "\n");
        out().flush();
    }

    /** With {@code -i}, the status line and headers. */
    private void printHead(HttpResponse<byte[]> response) {
        if (!include) {
            return;
        }
        PrintWriter out = out();
        out.println((response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2 " : "HTTP/1.1 ") + response.statusCode());
        response.headers().map().forEach((k, values) -> values.forEach(v -> out.println(k + ": " + v)));
        out.println();
    }

    /** The queued invocation's id: in the JSON answer, and in {@code Nubo-Invocation-Id} should the body lack it. */
    private static String invocationId(HttpResponse<byte[]> response) {
        try {
            JsonNode id = Json.mapper().readTree(response.body()).path("invocationId");
            if (id.isTextual()) {
                return id.asText();
            }
        } catch (IOException e) {
            // not JSON; the header below is the other place the id is given
        }
        return response.headers().firstValue("Nubo-Invocation-Id").orElse("(id not given)");
    }

    /**
     * The API's own refusal (no such service, bad token) rather than the function's answer: the API
     * marks its errors with {@code X-Nubo-Error}; the function's responses pass through unchanged.
     */
    private static boolean fromTheApi(HttpResponse<byte[]> response) {
        if (response.headers().firstValue("x-nubo-error").isEmpty()) {
            return false;
        }
        try {
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            return error.hasNonNull("code") && error.hasNonNull("message");
        } catch (IOException e) {
            return false;
        }
    }

    static final class HeaderConverter implements ITypeConverter<Header> {
        @Override
        public Header convert(String value) {
            int colon = value.indexOf(':');
            if (colon <= 0) {
                throw new TypeConversionException("'" + value + "' is not a header; write it as 'Name: value'");
            }
            return new Header(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
        }
    }
}
