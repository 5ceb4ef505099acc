package dev.nubo.events;

import dev.nubo.model.PlatformFault;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A write to the event log that failed because its disk is full ({@code SQLITE_FULL}, which SQLite
 * also reports when a file hits its page limit; PostgreSQL's {@code disk_full}, SQLSTATE 53100). It is
 * told apart from other storage faults because it is the one the producer should hear about plainly
 * (507, naming the disk) and that heals by itself once someone frees space.
 */
final class DiskFull {

    /** SQLite's primary result code for "database or disk is full". */
    private static final int SQLITE_FULL = 13;
    /** PostgreSQL's SQLSTATE for "could not extend file: No space left on device". */
    private static final String PG_DISK_FULL = "53100";

    private DiskFull() {}

    /** Whether {@code e}, or what caused it, is SQLite's {@code SQLITE_FULL} or PostgreSQL's {@code disk_full}. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ((sql.getErrorCode() & 0xff) == SQLITE_FULL || PG_DISK_FULL.equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The 507 for a write to the SQLite file {@code file} that was not stored, naming the disk and how much room it has. */
    static PlatformFault fault(Path file, Throwable cause) {
        return PlatformFault.diskFull("the event log's disk is full, so nothing of this was stored: " + describe(file),
                "free space on that disk, then send again: Nubo resumes by itself once there is room, without a restart", cause);
    }

    /** {@code /var/nubo/events.db is on /var (/dev/sda2), 0 B free of 20.0 GiB}. */
    static String describe(Path file) {
        try {
            FileStore store = Files.getFileStore(file.toAbsolutePath().getParent());
            return file.toAbsolutePath() + " is on " + store + ", " + size(store.getUsableSpace()) + " free of "
                    + size(store.getTotalSpace());
        } catch (IOException | RuntimeException e) {
            return file.toAbsolutePath() + " (its free space cannot be read: " + e.getMessage() + ")";
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
