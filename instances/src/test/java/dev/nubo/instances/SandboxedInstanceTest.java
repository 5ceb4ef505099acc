package dev.nubo.instances;

import static dev.nubo.instances.Harness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.instances.Harness.Transitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One sandboxed instance, end to end in this module; SandboxTest (dist) tries the escapes through the server. */
class SandboxedInstanceTest {

    @TempDir
    Path dir;

    Harness harness;
    Path home;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false)
                && Files.isExecutable(Path.of("/usr/bin/bwrap")), "the sandbox needs root and bubblewrap");
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("admin.token"), "secret");
        Path code = Files.createDirectories(dir.resolve("code"));
        harness = new Harness(code, Harness.fast().withSandbox(Sandbox.hiding(home, List.of(), home.resolve("slots"))));
    }

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void runsAsItsOwnUserWithoutTheHomeAndStopsGracefullyOnSigterm() throws Exception {
        String program = "import os, signal, sys\n"
                + "def bye(*a):\n    print('got SIGTERM', flush=True); sys.exit(0)\n"
                + "signal.signal(signal.SIGTERM, bye)\n"
                + "print('uid', os.getuid(), 'token', os.path.exists('" + home.resolve("admin.token") + "'), flush=True)\n"
                + Harness.PY_SERVER.replace("; ", "\n");
        Instance instance = harness.launch(harness.spec("sandboxed-00001-a", "python3", "-c", program), new Transitions());
        awaitState(instance, InstanceState.READY, Duration.ofSeconds(30));

        instance.stop(Duration.ofSeconds(20)).get();

        assertThat(instance.logTail(20)).anyMatch(l -> l.matches(".* stdout uid 2\\d{5} token False"))
                .anyMatch(l -> l.endsWith(" stdout got SIGTERM"))
                .anyMatch(l -> l.endsWith(" nubo exited with code 0"));
        assertThat(harness.instances.enforcement().sandboxed()).isTrue();
    }
}
