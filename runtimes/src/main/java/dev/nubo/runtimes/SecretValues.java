package dev.nubo.runtimes;

import dev.nubo.model.Descriptor;
import java.util.Map;
import java.util.function.Function;

/**
 * Where an instance's secrets come from ({@code env: {X: {secret: NAME/KEY}}} and
 * {@code files: {/run/secrets/x: {secret: NAME/KEY}}}): the server's decrypting secret store. Asked at
 * every launch, so an instance gets the values stored then, and nothing else holds them in the clear.
 */
@FunctionalInterface
public interface SecretValues {

    /** None: a descriptor that references a secret cannot be launched. */
    SecretValues NONE = d -> {
        if (d.secretRefs().findAny().isPresent()) {
            throw dev.nubo.model.UserError.badRequest("secret.not_found", "this server keeps no secrets, and " + d.name()
                    + " references " + d.secretRefs().findFirst().orElseThrow(), "run the service on a Nubo server with secrets");
        }
        return Map.of();
    };

    /**
     * The variable name to value of each of {@code d}'s {@link Descriptor#secrets() secret references}.
     *
     * @throws dev.nubo.model.UserError {@code secret.not_found} naming the secret or key that is missing and how to create it
     */
    Map<String, String> values(Descriptor d);

    /**
     * The path to content of each of {@code d}'s {@link Descriptor#files() secret files}.
     *
     * @throws dev.nubo.model.UserError {@code secret.not_found} naming the secret or key that is missing and how to create it
     */
    default Map<String, String> files(Descriptor d) {
        if (!d.files().isEmpty()) {
            throw dev.nubo.model.UserError.badRequest("secret.not_found", "this server gives no secret files, and " + d.name()
                    + " asks for " + d.files().keySet().iterator().next(), "run the service on a Nubo server with secrets");
        }
        return Map.of();
    }

    /** Environment values from {@code values}, file contents from {@code files}. */
    static SecretValues of(Function<Descriptor, Map<String, String>> values, Function<Descriptor, Map<String, String>> files) {
        return new SecretValues() {
            @Override
            public Map<String, String> values(Descriptor d) {
                return values.apply(d);
            }

            @Override
            public Map<String, String> files(Descriptor d) {
                return files.apply(d);
            }
        };
    }
}
