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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code nubo invoke NAME}: call the service through the control API, as a client of its URL would,
 * and print what it answered. Exit 0 for a 2xx, 1 otherwise, so scripts can test a deploy.
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

    Invoke(Env env) {
        super(env);
    }

    record Header(String name, String value) {}

    @Override
    public Integer call() {
        byte[] body = body();
        try (Api api = api()) {
            String target = "/v1/services/" + Api.segment(name) + "/invoke"
                    + (path == null ? "" : "?path=" + Api.query(path));
            HttpRequest.Builder request = api.request(target).POST(BodyPublishers.ofByteArray(body));
            if (headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Content-Type"))) {
                request.header("Content-Type", "application/json");
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
            print(response);
            if (!ok) {
                err().println("error: HTTP " + response.statusCode() + " from " + name);
                err().flush();
            }
            return ok ? 0 : ErrorReport.FAILED;
        }
    }

    private void print(HttpResponse<byte[]> response) {
        PrintWriter out = out();
        if (include) {
            out.println((response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2 " : "HTTP/1.1 ")
                    + response.statusCode());
            response.headers().map().forEach((k, values) -> values.forEach(v -> out.println(k + ": " + v)));
            out.println();
        }
        out.print(new String(response.body(), StandardCharsets.UTF_8));
        out.flush();
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

    private byte[] body() {
        if (data == null) {
            return new byte[0];
        }
        try {
            if (data.equals("-")) {
                return env.stdin().readAllBytes();
            }
            if (data.startsWith("@")) {
                return Files.readAllBytes(Path.of(data.substring(1)));
            }
        } catch (IOException e) {
            throw new CommandError("cannot read the request body from " + (data.equals("-") ? "standard input" : data.substring(1))
                    + " (" + e + ")", "pass the body inline with --data '{...}', or a readable file with --data @FILE");
        }
        return data.getBytes(StandardCharsets.UTF_8);
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
