package dev.nubo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScreenTest {

    @Test
    void pipeGetsPlainFinalLinesOnly() {
        StringWriter out = new StringWriter();
        Screen screen = new Screen(new PrintWriter(out), env(false, Map.of()));

        screen.status("uploading 1.0 KiB / 2.0 KiB");
        screen.done("uploaded 2.0 KiB");
        screen.failed("revision x failed");

        assertThat(out).hasToString("✓ uploaded 2.0 KiB\n✗ revision x failed\n");
    }

    @Test
    void terminalRedrawsTheStatusInPlaceAndColoursTheMarks() {
        StringWriter out = new StringWriter();
        Screen screen = new Screen(new PrintWriter(out), env(true, Map.of()));

        screen.status("uploading 1.0 KiB / 2.0 KiB");
        screen.status("uploading 2.0 KiB / 2.0 KiB");
        screen.done("uploaded 2.0 KiB");

        assertThat(out).hasToString("\r\u001b[Kuploading 1.0 KiB / 2.0 KiB\r\u001b[Kuploading 2.0 KiB / 2.0 KiB"
                + "\r\u001b[K\u001b[32m✓\u001b[0m uploaded 2.0 KiB\n");
    }

    @Test
    void noColorKeepsTheRedrawButDropsTheColour() {
        StringWriter out = new StringWriter();
        Screen screen = new Screen(new PrintWriter(out), env(true, Map.of("NO_COLOR", "1")));

        screen.done("ready");

        assertThat(out).hasToString("✓ ready\n");
    }

    private static Env env(boolean terminal, Map<String, String> vars) {
        return new Env(vars, Path.of("/nonexistent"), terminal, InstantSource.fixed(CannedApi.NOW),
                new ByteArrayInputStream(new byte[0]));
    }
}
