package dev.nubo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code -d/--data} argument of invoke, events send and cron sources, as curl reads it: the
 * text itself, {@code @FILE} for a file's bytes, or {@code -} for standard input.
 */
final class Data {

    private Data() {}

    /**
     * @param what what the bytes are, for the error message: "the request body", "the event data"
     */
    static byte[] read(String data, Env env, String what) {
        try {
            if (data.equals("-")) {
                return env.stdin().readAllBytes();
            }
            if (data.startsWith("@")) {
                return Files.readAllBytes(Path.of(data.substring(1)));
            }
        } catch (IOException e) {
            String from = data.equals("-") ? "standard input" : data.substring(1);
            throw new CommandError("cannot read " + what + " from " + from + " (" + e + ")",
                    "pass it inline with --data '{...}', or a readable file with --data @FILE");
        }
        return data.getBytes(StandardCharsets.UTF_8);
    }
}
