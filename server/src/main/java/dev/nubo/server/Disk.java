package dev.nubo.server;

import dev.nubo.model.PlatformFault;
import dev.nubo.model.Quantities;
import java.io.File;
import java.nio.file.Path;

/**
 * The disk under NUBO_HOME as errors describe it. A full disk is told apart from other I/O failures
 * because its remedy is the operator's and simple (free space), so the caller gets 507 naming the
 * directory and what is left there, instead of a 500 that sends someone to the log.
 */
final class Disk {

    private Disk() {}

    /** Refuses before anything is written when {@code dir}'s disk has less than {@code bytes} free. */
    static void requireFree(Path dir, long bytes, String what) {
        File d = dir.toFile();
        long free = d.getUsableSpace();
        if (free < bytes) {
            throw PlatformFault.diskFull("the disk of " + dir + " has " + Quantities.describeBytes(free)
                    + " free (of " + Quantities.describeBytes(d.getTotalSpace()) + "), too little for " + what
                    + " of " + Quantities.describeBytes(bytes), hint(dir), null);
        }
    }

    /** The fault for an I/O failure while {@code doing} something in {@code dir}: 507 when its disk is full, else 500. */
    static PlatformFault fault(Path dir, String doing, Throwable e) {
        if (isFull(e)) {
            File d = dir.toFile();
            return PlatformFault.diskFull("the disk of " + dir + " is full ("
                    + Quantities.describeBytes(d.getUsableSpace()) + " free of " + Quantities.describeBytes(d.getTotalSpace())
                    + "): cannot " + doing, hint(dir), e);
        }
        return new PlatformFault("platform.disk", "cannot " + doing + " in " + dir + ": " + e.getMessage(), e);
    }

    /** ENOSPC or EDQUOT anywhere in the chain, as the JDK and Vert.x word them. */
    static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }

    private static String hint(Path dir) {
        return "free space on the disk of " + dir + " (or move NUBO_HOME to a larger disk), then try again;"
                + " nothing partial was kept";
    }
}
