package dev.nubo.access;

import dev.nubo.model.PlatformFault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that seals every secret. It is never in a database: a cluster's nodes are given the
 * same key by environment ({@code NUBO_MASTER_KEY}, 32 bytes in base64); one node keeps it in a file
 * only its user may read ({@code NUBO_HOME/master.key}, mode 0600), made on first start. Losing it
 * loses the secrets; whoever has it and a copy of the database has them.
 */
public final class MasterKey {

    private static final int BYTES = 32;

    private final SecretKey key;

    /** Never the key: a config holding one may be printed. */
    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }

    private MasterKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "AES");
    }

    SecretKey key() {
        return key;
    }

    /**
     * The key given by environment ({@code NUBO_MASTER_KEY}), 32 bytes in base64.
     *
     * @throws PlatformFault {@code platform.master_key} when it is not
     */
    public static MasterKey fromEnvironment(String base64) {
        return new MasterKey(decode(base64, "NUBO_MASTER_KEY"));
    }

    /**
     * The key in {@code file}, which is created (0600) when missing.
     *
     * @throws PlatformFault {@code platform.master_key} when the file cannot be read or made, holds no
     *     32-byte key, or others than its owner may read it
     */
    public static MasterKey inFile(Path file) {
        try {
            byte[] fresh = new byte[BYTES];
            new SecureRandom().nextBytes(fresh);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                return new MasterKey(fresh);
            } catch (FileAlreadyExistsException e) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new PlatformFault("platform.master_key", file + " may be read by others (mode "
                            + PosixFilePermissions.toString(mode) + "): it holds the key of every secret; run `chmod 600 " + file + "`", null);
                }
                return new MasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
            }
        } catch (IOException e) {
            throw new PlatformFault("platform.master_key", "cannot read or create the master key " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String text, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != BYTES) {
            throw new PlatformFault("platform.master_key", source + " must hold a 32-byte key in base64"
                    + " (make one with `head -c 32 /dev/urandom | base64`)", null);
        }
        return bytes;
    }
}
