package dev.nubo.instances;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process group of one instance process. Each process is started under {@code setsid}, and as
 * Java's child is never a group leader setsid does not fork: the pid is the group id, and everything
 * the process starts (a shell's children, a server's workers) is in the group unless it leaves on
 * purpose. Signals go to the whole group through {@code kill -SIG -- -PGID}: Java can signal single
 * processes only.
 */
record ProcessGroup(long pgid) {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroup.class);

    void terminate() {
        send("TERM");
    }

    void kill() {
        send("KILL");
    }

    /** True while any process of the group exists, zombies included. */
    boolean alive() {
        return send("0");
    }

    private boolean send(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                LOG.warn("kill -{} -- -{} did not return within 5s", signal, pgid);
                return false;
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            LOG.warn("cannot run kill to signal process group {}: {}; is procps installed?", pgid, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
