package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `nubo debug` starts: the service's own command, with a debugger on a loopback port and no timeout in the way. */
class DebuggerTest {

    @TempDir
    Path code;

    @TempDir
    Path cache;

    Runtimes runtimes;

    @BeforeEach
    void setUp() {
        runtimes = Runtimes.detect(cache, 2);
    }

    Debugger.Debugging debug(String yaml) {
        return runtimes.debug(new Runtimes.Target(Descriptor.parse(yaml), code, "svc-00001", "svc-00001-debug", code.resolve("x.log"),
                true), 5005);
    }

    @Test
    void aJavaFunctionGetsJdwpOnLoopbackInAFreshHostWithoutItsTimeout() {
        Debugger.Debugging d = debug("name: svc\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\ntimeout: 5s\n");

        assertThat(d.debugger().protocol()).isEqualTo("JDWP");
        assertThat(d.debugger().attach()).isEqualTo("jdb -attach 127.0.0.1:5005, or your IDE's Remote JVM Debug on localhost:5005");
        assertThat(d.spec().env().get("JAVA_TOOL_OPTIONS"))
                .endsWith("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:5005");
        assertThat(d.spec().env()).containsEntry("NUBO_TIMEOUT_MS", "3600000");
        assertThat(d.spec().warmStart()).as("never a pooled JVM, which started without the agent").isEmpty();
        assertThat(d.spec().command()).contains(Runtimes.JAVA_HOST);
    }

    @Test
    void nodeAppsAndFunctionsGetTheInspector() {
        Debugger.Debugging app = debug("name: svc\nruntime: process\ncommand: node server.js --port $PORT\n");
        Debugger.Debugging function = debug("name: svc\nruntime: node\nhandler: index.handler\n");

        assertThat(app.spec().env().get("NODE_OPTIONS")).endsWith("--inspect=127.0.0.1:5005");
        assertThat(app.spec().env()).doesNotContainKey("NUBO_TIMEOUT_MS");
        assertThat(function.spec().env().get("NODE_OPTIONS")).endsWith("--inspect=127.0.0.1:5005");
        assertThat(function.debugger().protocol()).isEqualTo("Node inspector");
    }

    @Test
    void pythonNeedsDebugpyAndSaysHowToGetIt() {
        // This machine's python3 has no debugpy; where it has, the command runs under `python -m debugpy --listen`.
        assertThatThrownBy(() -> debug("name: svc\nruntime: python\nhandler: main.handler\n"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("debugpy is not installed for ")
                .hasMessageEndingWith(" on the Nubo server");
    }

    @Test
    void otherProgramsAreRefusedNamingTheProgram() {
        assertThatThrownBy(() -> debug("name: svc\nruntime: process\ncommand: [./server, --fast]\n"))
                .isInstanceOf(UserError.class)
                .hasMessage("nubo debug starts Java, Node.js and Python programs with a debugger, and this service runs `server`");
        assertThat(Debugger.program(List.of("/bin/sh", "-c", "exec java -jar app.jar"))).isEqualTo("java");
    }
}
