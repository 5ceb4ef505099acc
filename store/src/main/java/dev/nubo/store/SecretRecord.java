package dev.nubo.store;

import java.time.Instant;
import java.util.List;

/**
 * A secret as stored: its key names, and its values sealed (encrypted and authenticated) by the
 * access module; the store never sees a value in the clear.
 */
public record SecretRecord(String name, List<String> keys, String sealed, long version, Instant updatedAt) {

    public SecretRecord {
        keys = List.copyOf(keys);
    }
}
