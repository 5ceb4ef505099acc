package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.runtimes.FunctionProcess.Shim;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A function is reached through the gateway only: the shims listen on loopback, not on every interface. */
class ShimLoopbackTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Shim.class)
    void listensOn127001Only(Shim shim) throws Exception {
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(code.resolve("index.mjs"), "export const handler = async () => 'hi';");
        Files.writeString(code.resolve("main.py"), "def handler(event, context):\n    return 'hi'\n");
        String handler = shim == Shim.NODE ? "index.handler" : "main.handler";

        try (FunctionProcess fn = FunctionProcess.fresh(shim, dir, code, handler, Map.of()).awaitListening()) {
            assertThat(fn.post("{}").body()).isEqualTo("\"hi\"");
            assertThat(fn.listeningAddresses()).containsExactly(InetAddress.getByName("127.0.0.1"));
        }
    }
}
