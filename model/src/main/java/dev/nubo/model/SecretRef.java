package dev.nubo.model;

import java.util.regex.Pattern;

/**
 * An environment variable's value taken from a secret ({@code nubo secret set}): nubo.yaml's
 * {@code env: {DB_PASSWORD: {secret: db/password}}} names the secret {@code db} and its key
 * {@code password}. The value itself is never in a descriptor, only this reference.
 */
public record SecretRef(String secret, String key) {

    /** A secret's name: lowercase letters, digits and '-', as service names. */
    public static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    /** A key within a secret: letters, digits, '_', '-' and '.'. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    public SecretRef {
        if (!NAME.matcher(secret).matches() || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a secret reference: " + secret + "/" + key);
        }
    }

    /** {@code db/password} as a reference; a {@link UserError} naming {@code field} when it is not NAME/KEY. */
    public static SecretRef parse(String text, String field) {
        int slash = text.indexOf('/');
        if (slash < 0 || !NAME.matcher(text.substring(0, slash)).matches() || !KEY.matcher(text.substring(slash + 1)).matches()) {
            throw UserError.badRequest("descriptor.invalid", "nubo.yaml: `" + field + "` must name a secret and its key as NAME/KEY (got '"
                    + text + "')", "e.g. `{secret: db/password}` for the key password of the secret made by `nubo secret set db password=...`");
        }
        return new SecretRef(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public String toString() {
        return secret + "/" + key;
    }
}
