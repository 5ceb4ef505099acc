package dev.nubo.javaruntime;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The stack frames under the function's own: the host's reflection, endpoint and HTTP server.
 * They are the same in every trace and bury the user's frames, so traces are printed without them.
 */
final class HostFrames {

    private HostFrames() {}

    /** Cuts each trace in the cause chain after its last frame in the function's class loader. */
    static Throwable strip(Throwable thrown) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            StackTraceElement[] frames = t.getStackTrace();
            int last = frames.length - 1;
            while (last >= 0 && !FunctionLoader.LOADER_NAME.equals(frames[last].getClassLoaderName())) {
                last--;
            }
            // A trace with no user frame at all (thrown by the host itself) is left whole.
            if (last >= 0 && last < frames.length - 1) {
                t.setStackTrace(Arrays.copyOf(frames, last + 1));
            }
        }
        return thrown;
    }
}
