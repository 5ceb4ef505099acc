package dev.nubo.dist;

import dev.nubo.cli.Cli;
import dev.nubo.server.ServerCommand;
import dev.nubo.server.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nubo}: the server ({@code nubo server}) and the client commands, in one launcher. */
@Command(name = "nubo", mixinStandardHelpOptions = true, versionProvider = Nubo.VersionProvider.class,
        description = "Nubo runs your functions and services: `nubo server` starts it, `nubo deploy DIR` ships code.")
public final class Nubo implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine nubo = new CommandLine(new Nubo());
        nubo.addSubcommand(new CommandLine(new ServerCommand(System.getenv())));
        Cli.register(nubo);
        System.exit(nubo.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nubo " + Version.current()};
        }
    }
}
