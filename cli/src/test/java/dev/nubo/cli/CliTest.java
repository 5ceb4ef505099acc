package dev.nubo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CliTest {

    @TempDir
    Path home;

    @Command(name = "nubo", subcommands = CliTest.Server.class)
    static final class Launcher implements Runnable {
        @Override
        public void run() {}
    }

    @Command(name = "server")
    static final class Server implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("port 8081 is taken");
        }
    }

    @Test
    void registerAddsTheClientCommandsBesideTheLaunchersOwn() {
        CommandLine top = new CommandLine(new Launcher());

        Cli.register(top, env());

        assertThat(top.getSubcommands().keySet()).containsExactlyInAnyOrder(
                "server", "init", "deploy", "dev", "debug", "list", "ls", "describe", "logs", "invoke", "delete", "rollback", "traffic",
                "broker", "trigger", "events", "invocations", "source", "workflow", "api", "apikey", "usage", "top", "config", "token",
                "ns", "namespace", "secret", "audit", "alert", "alerts", "trace");
    }

    @Test
    void launchersOwnFailuresStillReachTheHandlerThatWasThereBefore() {
        CommandLine top = new CommandLine(new Launcher());
        StringWriter seen = new StringWriter();
        top.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            seen.write(ex.getMessage());
            return 3;
        });
        Cli.register(top, env());
        StringWriter err = new StringWriter();
        top.setErr(new PrintWriter(err));

        assertThat(top.execute("server")).isEqualTo(3);
        assertThat(seen).hasToString("port 8081 is taken");
        assertThat(top.execute("list")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: no Nubo server configured\n");
    }

    private Env env() {
        return new Env(Map.of(), home, false, InstantSource.fixed(CannedApi.NOW), new ByteArrayInputStream(new byte[0]));
    }
}
