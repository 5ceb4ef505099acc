package dev.nubo.javaruntime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The function's variables, as the platform writes them to a pooled host's stdin: UTF-8
 * {@code NAME=VALUE} entries, each followed by a NUL byte, and an empty entry to end. The first
 * {@code =} ends the name; a value may hold anything but NUL. The Node and Python runtimes read the
 * same message (the pooled-runtime protocol).
 *
 * <pre>{@code PORT=41234\0NUBO_HANDLER=com.example.Hello\0GREETING=hi\0\0}</pre>
 */
final class SpecialisationMessage {

    private SpecialisationMessage() {}

    /**
     * The entries in the order sent, or empty when the stream ends before the message does (the
     * platform closing its pool). Reads nothing past the end of the message.
     */
    static Optional<Map<String, String>> read(InputStream in) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b != 0) {
                entry.write(b);
            } else if (entry.size() == 0) {
                return Optional.of(Collections.unmodifiableMap(entries));
            } else {
                add(entries, entry.toString(StandardCharsets.UTF_8));
                entry.reset();
            }
        }
        return Optional.empty();
    }

    private static void add(Map<String, String> entries, String entry) {
        int equals = entry.indexOf('=');
        if (equals < 1) {
            throw new InitFailure("the specialisation message on stdin has an entry that is not NAME=VALUE: '"
                    + entry + "' (this is a bug in Nubo's instance pool: please report it)");
        }
        entries.put(entry.substring(0, equals), entry.substring(equals + 1));
    }
}
