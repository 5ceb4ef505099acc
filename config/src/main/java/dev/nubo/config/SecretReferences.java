package dev.nubo.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where configuration values that name a secret get their value: a value written as
 * {@code {secret}NAME} is stored as that reference, never as the secret, and replaced by the
 * secret's value only in the Environment served to an instance. The configuration center does no
 * encryption of its own: the secrets, encrypted at rest, are another part of Nubo's, which plugs in
 * here. A reference it cannot resolve is served as written, so the app sees what is missing.
 */
@FunctionalInterface
public interface SecretReferences {

    /** The prefix that makes a value a reference to a secret. */
    String PREFIX = "{secret}";

    /** No secrets: every reference is served as written. */
    SecretReferences NONE = name -> Optional.empty();

    /** The value of secret {@code name}, decrypted; empty when there is no such secret. */
    Optional<String> value(String name);

    /** {@code keys} with each reference replaced by its secret's value where there is one. */
    default Map<String, String> resolve(Map<String, String> keys) {
        Map<String, String> out = new TreeMap<>(keys);
        out.replaceAll((key, v) -> v.startsWith(PREFIX) ? value(v.substring(PREFIX.length())).orElse(v) : v);
        return out;
    }
}
