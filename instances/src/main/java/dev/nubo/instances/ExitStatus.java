package dev.nubo.instances;

import dev.nubo.model.Quantities;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How a process ended, in words for logs and failure reasons. Java reports death by signal N as exit
 * code 128+N, as shells do, so code 137 reads "exited with code 137 (killed by SIGKILL)".
 *
 * @param code the exit value Java reported
 * @param oomLimit the memory limit, present when the instance's cgroup saw the OOM killer strike
 */
record ExitStatus(int code, OptionalLong oomLimit) {

    /**
     * The status a process exits with to ask for a replacement, not as a crash: Nubo's function
     * runtimes use it when an invocation outlived its timeout (a stuck thread cannot be stopped).
     */
    static final int REPLACE_ME = 3;

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    String describe() {
        if (oomLimit.isPresent()) {
            return "killed: out of memory (limit " + Quantities.formatBytes(oomLimit.getAsLong()) + ")";
        }
        int signal = code - 128;
        if (signal > 0 && signal < 65) {
            return "exited with code " + code + " (killed by " + SIGNALS.getOrDefault(signal, "signal " + signal) + ")";
        }
        return "exited with code " + code;
    }
}
