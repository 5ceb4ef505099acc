package dev.nubo.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where configuration values that name a secret get their value: a value written
 * {@code {secret: NAME/KEY}} (as in nubo.yaml's {@code env:}) is stored as that reference, never as
 * the secret, and replaced by the value of key KEY of Nubo's secret NAME only in what is served to
 * an instance allowed to read it ({@link ConfigCenter#environment}). The configuration center does no
 * encryption of its own: the secrets, sealed at rest, are the access module's. A reference it cannot
 * resolve is served as written, so the app sees what is missing.
 */
@FunctionalInterface
public interface SecretReferences {

    /** {@code {secret: db/password}}, spaces allowed around the parts. */
    Pattern REFERENCE = Pattern.compile("\\{\\s*secret\\s*:\\s*([^/\\s{}]+)/([^/\\s{}]+)\\s*}");

    /** No secrets: every reference is served as written. */
    SecretReferences NONE = (name, key) -> Optional.empty();

    /** The value of key {@code key} of secret {@code name}, opened; empty when there is no such secret or key. */
    Optional<String> value(String name, String key);

    /** {@code keys} with each reference replaced by its secret's value where there is one. */
    default Map<String, String> resolve(Map<String, String> keys) {
        Map<String, String> out = new TreeMap<>(keys);
        out.replaceAll((key, v) -> {
            Matcher m = REFERENCE.matcher(v);
            return m.matches() ? value(m.group(1), m.group(2)).orElse(v) : v;
        });
        return out;
    }
}
