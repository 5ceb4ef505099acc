package dev.nubo.store;

import java.util.OptionalLong;

/**
 * A conditional write found the row changed since the caller read it, so it wrote nothing: another
 * request, another thread or another node got there first. The message says what it was and what it
 * is now. A conflict is not a failure of the store: read again and decide again (a reconciler
 * reconciles the service again; an API answers 409, or 412 to an {@code If-Match}).
 */
public final class StoreConflict extends RuntimeException {

    private final long readVersion;
    private final OptionalLong currentVersion;

    StoreConflict(String message, long readVersion, OptionalLong currentVersion) {
        super(message);
        this.readVersion = readVersion;
        this.currentVersion = currentVersion;
    }

    /** The version the write was conditional on. */
    public long readVersion() {
        return readVersion;
    }

    /** The version stored now; empty when the row is gone. */
    public OptionalLong currentVersion() {
        return currentVersion;
    }
}
