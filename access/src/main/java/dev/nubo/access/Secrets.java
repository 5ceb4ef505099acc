package dev.nubo.access;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.nubo.model.Descriptor;
import dev.nubo.model.Json;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.SecretRef;
import dev.nubo.model.UserError;
import dev.nubo.store.Credentials;
import dev.nubo.store.SecretRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Named secrets, each a few keys and their values, sealed with AES-256-GCM under the {@link MasterKey}
 * before they reach the store: a fresh 96-bit nonce per write, and the secret's name as associated
 * data, so that a sealed value copied to another secret's row does not open. Values leave this class
 * only through {@link #values(Descriptor)} and {@link #files(Descriptor)}, into an instance's environment and files.
 *
 * <pre>{@code
 * Secrets secrets = new Secrets(store.credentials(), MasterKey.load(env, home.resolve("master.key")), clock);
 * secrets.set("db", Map.of("password", "s3cret"));
 * secrets.values(descriptor);   // {DB_PASSWORD=s3cret} for env: {DB_PASSWORD: {secret: db/password}}
 * }</pre>
 */
public final class Secrets {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};

    private final Credentials store;
    private final MasterKey key;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public Secrets(Credentials store, MasterKey key, InstantSource clock) {
        this.store = store;
        this.key = key;
        this.clock = clock;
    }

    /**
     * Sets {@code values} in the secret {@code name} (creating it), keeping its other keys.
     *
     * @return the secret as stored, and whether any value changed (a change rolls the services that use it)
     * @throws UserError 400 {@code secret.invalid} for a bad name, key or an empty set
     */
    public Stored set(String name, Map<String, String> values) {
        checkName(name);
        if (values.isEmpty()) {
            throw UserError.badRequest("secret.invalid", "no KEY=VALUE to set in secret " + name, "e.g. `nubo secret set " + name + " password=...`");
        }
        values.keySet().forEach(k -> {
            if (!SecretRef.KEY.matcher(k).matches()) {
                throw UserError.badRequest("secret.invalid", "'" + k + "' cannot be a key of a secret", "use letters, digits, '_', '-' and '.'");
            }
        });
        Map<String, String> all = store.secret(name).map(this::open).orElseGet(TreeMap::new);
        boolean changed = values.entrySet().stream().anyMatch(e -> !e.getValue().equals(all.get(e.getKey())));
        if (!changed) {
            return new Stored(store.secret(name).orElseThrow(), false);
        }
        all.putAll(values);
        return new Stored(store.putSecret(name, List.copyOf(all.keySet()), seal(name, all), clock.instant()), true);
    }

    /** What {@link #set} stored; {@code changed} is false when every value was as it was. */
    public record Stored(SecretRecord record, boolean changed) {}

    /** Every secret with its key names; no value. */
    public List<SecretRecord> list() {
        return store.secrets();
    }

    /** @throws UserError 404 {@code secret.not_found} */
    public void delete(String name) {
        if (!store.deleteSecret(name)) {
            throw UserError.notFound("secret.not_found", "no secret named " + name, "`nubo secret list` shows the secrets");
        }
    }

    /**
     * Each of {@code d}'s secret variables with its value, decrypted now.
     *
     * @throws UserError 400 {@code secret.not_found} naming the missing secret or key and how to set it
     */
    public Map<String, String> values(Descriptor d) {
        return resolve(d, d.secrets(), "env.");
    }

    /**
     * Each of {@code d}'s secret files ({@code files:}, by path) with its content, decrypted now.
     *
     * @throws UserError 400 {@code secret.not_found} naming the missing secret or key and how to set it
     */
    public Map<String, String> files(Descriptor d) {
        return resolve(d, d.files(), "files.");
    }

    private Map<String, String> resolve(Descriptor d, Map<String, SecretRef> refs, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Map<String, String>> opened = new LinkedHashMap<>();
        refs.forEach((name, ref) -> {
            Map<String, String> secret = opened.computeIfAbsent(ref.secret(), n -> store.secret(n).map(this::open).orElseThrow(() ->
                    missing(d, field + name, ref, "there is no secret named " + ref.secret())));
            String value = secret.get(ref.key());
            if (value == null) {
                throw missing(d, field + name, ref, "secret " + ref.secret() + " has no key " + ref.key() + " (it has " + String.join(", ", secret.keySet()) + ")");
            }
            out.put(name, value);
        });
        return out;
    }

    /** The value of {@code key} of secret {@code name}, opened now; empty when there is no such secret or key. */
    public java.util.Optional<String> value(String name, String key) {
        return store.secret(name).map(this::open).map(secret -> secret.get(key));
    }

    private static UserError missing(Descriptor d, String field, SecretRef ref, String what) {
        return UserError.badRequest("secret.not_found", d.name() + "'s " + field + " takes secret " + ref + ", but " + what,
                "create it with `nubo secret set " + ref.secret() + " " + ref.key() + "=VALUE`, then deploy again");
    }

    static void checkName(String name) {
        if (!SecretRef.NAME.matcher(name).matches()) {
            throw UserError.badRequest("secret.invalid", "'" + name + "' cannot name a secret",
                    "use lowercase letters, digits and '-', starting with a letter, e.g. db");
        }
    }

    /**
     * Another stored credential (a webhook's signing secret, say) sealed the same way, as text to store in
     * its place: {@code sealed:BASE64}. {@code purpose} (e.g. {@code source:github:secret}) is bound to it:
     * {@link #openValue} with another purpose fails.
     */
    public String sealValue(String purpose, String value) {
        return SEALED + seal("nubo-value:" + purpose, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code text} is what {@link #sealValue} made (else it is a credential stored before sealing). */
    public static boolean isSealed(String text) {
        return text.startsWith(SEALED);
    }

    /** The value {@link #sealValue} sealed for {@code purpose}. */
    public String openValue(String purpose, String sealed) {
        return new String(open("nubo-value:" + purpose, sealed.substring(SEALED.length()), purpose), StandardCharsets.UTF_8);
    }

    private static final String SEALED = "sealed:";

    private String seal(String name, Map<String, String> values) {
        try {
            return seal("nubo-secret:" + name, Json.mapper().writeValueAsBytes(values));
        } catch (IOException e) {
            throw new PlatformFault("platform.secrets", "cannot seal secret " + name + ": " + e.getMessage(), e);
        }
    }

    private TreeMap<String, String> open(SecretRecord r) {
        try {
            return Json.mapper().readValue(open("nubo-secret:" + r.name(), r.sealed(), "secret " + r.name()), MAP);
        } catch (IOException e) {
            throw new PlatformFault("platform.secrets", "cannot read secret " + r.name() + ": " + e.getMessage(), e);
        }
    }

    /** AES-GCM with a fresh nonce, {@code aad} bound to it: base64 of nonce || ciphertext || tag. */
    private String seal(String aad, byte[] plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new PlatformFault("platform.secrets", "cannot seal " + aad + ": " + e.getMessage(), e);
        }
    }

    private byte[] open(String aad, String sealed, String what) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new PlatformFault("platform.secrets", what + " does not open with this master key: was NUBO_MASTER_KEY"
                    + " or master.key changed since it was set? Set it again, or restore the key it was sealed with", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PlatformFault("platform.secrets", "cannot open " + what + ": " + e.getMessage(), e);
        }
    }
}
