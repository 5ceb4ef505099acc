package dev.nubo.cli;

import java.lang.reflect.Constructor;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The client half of the {@code nubo} command: deploy, list, describe, logs, invoke, delete,
 * rollback and traffic for services; broker, trigger, events, invocations and source for events;
 * all speaking only the control API (docs/API.md). The {@code dist} module owns the top-level
 * command and {@code nubo server}; it adds these with {@link #register}:
 *
 * <pre>{@code
 * CommandLine nubo = new CommandLine(new Nubo());
 * nubo.addSubcommand(new CommandLine(new ServerCommand()));
 * Cli.register(nubo);
 * System.exit(nubo.execute(args));
 * }</pre>
 *
 * Expected failures (the server said no, the server is unreachable, no nubo.yaml) print
 * {@code error: ...} and {@code hint: ...} on standard error and exit 1; usage mistakes exit 2 as
 * picocli does. {@code register} also turns off picocli's {@code @file} argument expansion for the
 * whole command, because {@code nubo invoke --data @FILE} means the file's bytes. To redirect output, call {@code setOut}/{@code setErr} on the top command after
 * {@code register}, so that the new subcommands receive it too.
 */
public final class Cli {

    /** {@link ClientCommand}s, and {@link Group}s of them, each made with the {@link Env} by {@link WithEnv}. */
    private static final List<Class<?>> COMMANDS = List.of(
            Init.class, Deploy.class, Dev.class, Debug.class, ListServices.class, Describe.class, Logs.class, Invoke.class, Delete.class, Rollback.class,
            SplitTraffic.class, Brokers.class, Triggers.class, Events.class, Invocations.class, Sources.class,
            WorkflowCommands.class, Apis.class, ApiKeyCommands.class, Usage.class, Dashboard.class, ConfigCommands.class,
            TokenCommands.class, NamespaceCommands.class, SecretCommands.class, Audit.class, AlertCommands.class, AlertCommands.ListAlerts.class, Trace.class);

    private Cli() {}

    /**
     * Adds the client subcommands to {@code top}, reading the environment, home directory and
     * terminal of this process now, and installs the handler that reports their errors.
     */
    public static void register(CommandLine top) {
        register(top, Env.system());
    }

    /** A {@code nubo} command with only the client subcommands, e.g. for tests and tools. */
    public static CommandLine standalone() {
        return standalone(Env.system());
    }

    static CommandLine standalone(Env env) {
        CommandLine top = new CommandLine(new Top());
        register(top, env);
        return top;
    }

    static void register(CommandLine top, Env env) {
        WithEnv factory = new WithEnv(env);
        for (Class<?> command : COMMANDS) {
            top.addSubcommand(new CommandLine(command, factory));
        }
        top.setExecutionExceptionHandler(new ErrorReport(top.getExecutionExceptionHandler()));
        // picocli would otherwise replace `--data @body.json` with the file's words as arguments.
        top.setExpandAtFiles(false);
    }

    /**
     * Makes the commands, and the subcommands a {@link Group} names in its annotation, with the
     * surroundings they read; everything else picocli makes (converters, mixins) it makes as usual.
     */
    private record WithEnv(Env env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<K> withEnv;
            try {
                withEnv = type.getDeclaredConstructor(Env.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
            return withEnv.newInstance(env);
        }
    }

    @Command(name = "nubo", mixinStandardHelpOptions = true,
            description = "Deploy and run services on a Nubo server.")
    static final class Top implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }
}
