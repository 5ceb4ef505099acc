package dev.nubo.runtimes;

import dev.nubo.model.Descriptor;
import java.util.Map;

/**
 * Where an instance's secret environment comes from ({@code env: {X: {secret: NAME/KEY}}}): the
 * server's decrypting secret store. Asked at every launch, so an instance gets the values stored
 * then, and nothing else holds them in the clear.
 */
@FunctionalInterface
public interface SecretValues {

    /** None: a descriptor that references a secret cannot be launched. */
    SecretValues NONE = d -> {
        if (!d.secrets().isEmpty()) {
            throw dev.nubo.model.UserError.badRequest("secret.not_found", "this server keeps no secrets, and " + d.name()
                    + " references " + d.secrets().values().iterator().next(), "run the service on a Nubo server with secrets");
        }
        return Map.of();
    };

    /**
     * The variable name to value of each of {@code d}'s {@link Descriptor#secrets() secret references}.
     *
     * @throws dev.nubo.model.UserError {@code secret.not_found} naming the secret or key that is missing and how to create it
     */
    Map<String, String> values(Descriptor d);
}
