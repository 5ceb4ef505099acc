package dev.nubo.cli;

import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only gathers others, such as {@code nubo broker}: its subcommands are named in its
 * {@code @Command} annotation. Alone it is a usage mistake, reported with the subcommands to pick from.
 */
abstract class Group implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public void run() {
        // Aliases such as ls are keys too; each subcommand is named once.
        String names = spec.subcommands().values().stream().map(CommandLine::getCommandName).distinct()
                .collect(Collectors.joining(", "));
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: one of " + names);
    }
}
