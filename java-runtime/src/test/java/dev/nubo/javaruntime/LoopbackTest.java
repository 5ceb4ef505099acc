package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A function is reached through the gateway only: the host listens on loopback, not on every interface. */
class LoopbackTest {

    @Test
    void theHostListensOn127001Only() throws Exception {
        HostConfig config = HostConfig.from(Map.of("PORT", Integer.toString(HostProcess.freePort()),
                "NUBO_HANDLER", SampleHandlers.Greeter.class.getName(), "NUBO_CODE", HostProcess.TEST_CLASSES.toString()));
        HttpServer server = JavaHost.server();
        JavaHost.serve(config, server);
        try {
            assertThat(server.getAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(server.getAddress().getPort()).isEqualTo(config.port());
        } finally {
            server.stop(0);
        }
    }
}
