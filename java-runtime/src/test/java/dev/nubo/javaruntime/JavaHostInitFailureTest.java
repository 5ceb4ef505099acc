package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the host fails to start, as the platform sees it: exit status 1 and one "nubo: " line first. */
class JavaHostInitFailureTest {

    @Test
    void exitsWithOneLineNamingTheMissingHandlerClass() throws Exception {
        try (HostProcess host = HostProcess.launch(Map.of("PORT", "1", "NUBO_HANDLER", "com.example.Missing",
                "NUBO_CODE", HostProcess.TEST_CLASSES.toString()))) {
            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr()).isEqualTo("nubo: handler class com.example.Missing not found in "
                    + HostProcess.TEST_CLASSES + " (check `handler` in nubo.yaml and that `code` points at the"
                    + " compiled classes)" + System.lineSeparator());
        }
    }

    @Test
    void exitsWithTheConstructorsExceptionAndItsStackTrace() throws Exception {
        try (HostProcess host = HostProcess.launch(Map.of("PORT", "1",
                "NUBO_HANDLER", SampleHandlers.ConstructorThrows.class.getName(),
                "NUBO_CODE", HostProcess.TEST_CLASSES.toString()))) {
            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr().lines().findFirst()).hasValue("nubo: handler class"
                    + " dev.nubo.javaruntime.SampleHandlers$ConstructorThrows constructor threw"
                    + " java.lang.IllegalStateException: boom");
            assertThat(host.stderr()).contains("\tat nubo-function//dev.nubo.javaruntime.SampleHandlers$ConstructorThrows.<init>(")
                    .doesNotContain("FunctionLoader");
        }
    }

    @Test
    void exitsWhenPortIsMissing() throws Exception {
        try (HostProcess host = HostProcess.launch(Map.of("NUBO_HANDLER", "com.example.Hello",
                "NUBO_CODE", HostProcess.TEST_CLASSES.toString()))) {
            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr()).startsWith("nubo: PORT is not set (");
        }
    }

    @Test
    void doesNotListenUntilTheHandlerIsConstructed() throws Exception {
        // The port is taken: a host that bound before loading would report that instead.
        try (var taken = new java.net.ServerSocket(0);
                HostProcess host = HostProcess.launch(Map.of("PORT", String.valueOf(taken.getLocalPort()),
                        "NUBO_HANDLER", SampleHandlers.NotAHandler.class.getName(),
                        "NUBO_CODE", HostProcess.TEST_CLASSES.toString()))) {
            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr()).isEqualTo("nubo: handler class dev.nubo.javaruntime.SampleHandlers$NotAHandler"
                    + " does not implement dev.nubo.function.Handler or dev.nubo.function.HttpHandler, nor Lambda's"
                    + " RequestHandler or RequestStreamHandler (implement Handler<I, O> for JSON in and out, or HttpHandler"
                    + " for the raw request; an AWS Lambda handler runs unchanged if it implements RequestHandler<I, O> or"
                    + " RequestStreamHandler, or if `handler` in nubo.yaml names its method, as in"
                    + " dev.nubo.javaruntime.SampleHandlers$NotAHandler::handleRequest)" + System.lineSeparator());
        }
    }

    @Test
    void exitsWhenThePortIsTaken() throws Exception {
        try (var taken = new java.net.ServerSocket(0);
                HostProcess host = HostProcess.launch(Map.of("PORT", String.valueOf(taken.getLocalPort()),
                        "NUBO_HANDLER", SampleHandlers.Greeter.class.getName(),
                        "NUBO_CODE", HostProcess.TEST_CLASSES.toString()))) {
            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr()).startsWith("nubo: cannot listen on port " + taken.getLocalPort() + ": ")
                    .contains("(another process holds it; give the host a free PORT)");
        }
    }
}
