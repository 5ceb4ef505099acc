package dev.nubo.workflows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A {@code .waitForTaskToken} task's token: which execution, state and attempt waits for it, encoded
 * (base64url) so that it reads as one opaque word. It is not a secret: only holders of the admin
 * token can send it back, through the control API.
 */
record TaskToken(String execution, String state, int attempt) {

    static String of(String execution, String state, int attempt) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((execution + "\n" + state + "\n" + attempt).getBytes(StandardCharsets.UTF_8));
    }

    static Optional<TaskToken> parse(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", -1);
            return parts.length == 3 ? Optional.of(new TaskToken(parts[0], parts[1], Integer.parseInt(parts[2]))) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
