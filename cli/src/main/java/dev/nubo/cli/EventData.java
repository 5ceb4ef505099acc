package dev.nubo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nubo.model.Json;
import java.io.IOException;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code -d} and {@code --content-type} options of commands that make events ({@code nubo events
 * send}, {@code nubo source create cron}): the data, read once, and checked to be JSON when its media
 * type says so, because data said to be JSON that is not would fail at every trigger's service instead
 * of here.
 */
final class EventData {

    static final String DEFAULT_TYPE = "application/json";

    @Option(names = {"-d", "--data"}, paramLabel = "DATA",
            description = "The event data: the text itself, @FILE for a file's contents, or - for standard input.")
    String data;

    @Option(names = "--content-type", paramLabel = "TYPE",
            description = "The data's media type (default: application/json, which the data must then be).")
    String contentType;

    boolean given() {
        return data != null;
    }

    /** The media type of the data: as given, else {@value #DEFAULT_TYPE}. */
    String mediaType() {
        return contentType == null ? DEFAULT_TYPE : contentType;
    }

    /** The data's bytes (empty without {@code -d}), checked against {@link #mediaType()}. */
    byte[] read(Env env) {
        if (data == null) {
            return new byte[0];
        }
        byte[] bytes = Data.read(data, env, "the event data");
        String media = mediaType().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.equals("application/json") || media.endsWith("+json")) {
            try {
                Json.mapper().readTree(bytes);
            } catch (IOException e) {
                String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new CommandError("the event data is not JSON (" + detail + "), but its content type is " + mediaType(),
                        "send JSON, e.g. -d '{\"order\": 7}', or name its type, e.g. --content-type text/plain");
            }
        }
        return bytes;
    }
}
