package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app whose child leaves its session and process group, as a daemon does, is still the app's:
 * nothing of it runs after the service is deleted, nor after the server restarts.
 */
class EscapedProcessTest {

    @TempDir
    Path dir;

    /** Starts a daemon (own session, stdio detached) that writes its pid to $PIDFILE, then serves on $PORT. */
    static final String START = """
            #!/bin/sh
            setsid sh -c 'echo $$ > "$PIDFILE"; exec sleep 1000' < /dev/null > /dev/null 2>&1 &
            exec python3 -m http.server --bind 127.0.0.1 "$PORT"
            """;

    @Test
    void anAppThatDaemonisesAChildLeavesNothingRunningAfterDeleteOrRestart() throws Exception {
        // Unsandboxed, where only the cgroup catches the daemon (SandboxTest covers the sandboxed case),
        // and the daemon can write its pid to a file of this test's.
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), "--sandbox", "off")) {
            long first = deployAndAwaitDaemon(nubo, "first");
            assertThat(session(first)).as("the daemon left its session").isEqualTo(first);

            assertThat(nubo.nubo("delete", "daemon").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(alive(first))
                    .as("daemon %d after nubo delete", first).isFalse());

            long second = deployAndAwaitDaemon(nubo, "second");
            nubo.restart();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(alive(second))
                    .as("daemon %d of the instance before the restart", second).isFalse());

            // Woken again after the restart, the app starts a new daemon; a SIGKILL of the server, which
            // runs no shutdown hook, takes that one too (the watchdog empties the server's cgroups).
            Path pidFile = dir.resolve("second.pid");
            Files.delete(pidFile);
            assertThat(nubo.get("daemon", "/").statusCode()).isEqualTo(200);
            long third = awaitDaemon(pidFile);
            nubo.crashAndRestart();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(alive(third))
                    .as("daemon %d of an instance of a server killed with SIGKILL", third).isFalse());
        }
    }

    private long deployAndAwaitDaemon(TestNubo nubo, String name) throws IOException {
        Path app = Files.createDirectories(dir.resolve(name));
        Path pidFile = dir.resolve(name + ".pid");
        Files.writeString(app.resolve("nubo.yaml"), """
                name: daemon
                runtime: process
                command: [sh, start.sh]
                env: {PIDFILE: "%s"}
                """.formatted(pidFile));
        Files.writeString(app.resolve("start.sh"), START);
        TestNubo.CliResult deploy = nubo.nubo("deploy", app.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(nubo.get("daemon", "/").statusCode()).isEqualTo(200);
        return awaitDaemon(pidFile);
    }

    private static long awaitDaemon(Path pidFile) throws IOException {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n"));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(alive(pid)).as("daemon %d", pid).isTrue();
        return pid;
    }

    /** A living process, not a zombie waiting to be reaped. */
    private static boolean alive(long pid) {
        return stat(pid).map(fields -> !fields[0].equals("Z")).orElse(false);
    }

    private static long session(long pid) {
        return Long.parseLong(stat(pid).orElseThrow()[3]);
    }

    /** /proc/PID/stat after the command name: state, ppid, pgrp, session, ... */
    private static java.util.Optional<String[]> stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return java.util.Optional.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        } catch (IOException gone) {
            return java.util.Optional.empty();
        }
    }
}
