package dev.nubo.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server-sent event stream read as a test reads it: the next event's JSON data, waited for. */
final class EventStream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<String> data = new LinkedBlockingQueue<>();
    private final Stream<String> lines;

    private EventStream(Stream<String> lines) {
        this.lines = lines;
        Thread.ofVirtual().name("event-stream").start(() -> {
            try {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("data: ")) {
                        data.add(line.substring("data: ".length()));
                    }
                }
            } catch (RuntimeException e) {
                // closed by the test, or by the server: next() then says nothing came
            }
        });
    }

    /** Opens {@code url} with {@code Accept: text/event-stream} (and {@code token} as the bearer, if not empty). */
    static EventStream open(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return new EventStream(response.body());
    }

    /** The next event's data, waited for up to a minute. */
    JsonNode next() throws IOException, InterruptedException {
        String next = data.poll(60, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no event within " + Duration.ofSeconds(60));
        }
        return JSON.readTree(next);
    }

    @Override
    public void close() {
        lines.close();
    }
}
