package dev.nubo.runtimes;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.UserError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How a debugger attaches to one instance started for {@code nubo debug}, on loopback only: JDWP for
 * any JVM (the Java host, {@code java -jar app.jar}) through {@code JAVA_TOOL_OPTIONS}, the inspector
 * for Node through {@code NODE_OPTIONS}, debugpy for Python (when it is installed for the
 * interpreter) by running the program under {@code python -m debugpy}. Told apart by the program the
 * instance runs, so it works for functions and apps alike. The instance never suspends at start
 * ({@code suspend=n}): it becomes ready as usual, and the debugger attaches whenever it likes.
 *
 * @param protocol {@code JDWP}, {@code Node inspector} or {@code debugpy}
 * @param port the loopback port the debugger connects to
 * @param attach how to attach, for people
 */
public record Debugger(String protocol, int port, String attach) {

    /** While a debugger holds a request at a breakpoint, neither the function runtime nor the gateway gives up on it. */
    public static final Duration SUSPENDED_TIMEOUT = Duration.ofHours(1);

    /** A spec to start and the debugger that will find it there. */
    public record Debugging(LaunchSpec spec, Debugger debugger) {}

    /** {@code spec} as a fresh process (never a pooled one) listening for a debugger on {@code port}. */
    static Debugging apply(LaunchSpec spec, int port) {
        String address = "127.0.0.1:" + port;
        List<String> command = new ArrayList<>(spec.command());
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        if (env.containsKey("NUBO_TIMEOUT_MS")) {
            env.put("NUBO_TIMEOUT_MS", Long.toString(SUSPENDED_TIMEOUT.toMillis()));
        }
        String program = program(command);
        Debugger debugger;
        if (program.startsWith("java")) {
            append(env, "JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=" + address);
            debugger = new Debugger("JDWP", port, "jdb -attach " + address + ", or your IDE's Remote JVM Debug on localhost:" + port);
        } else if (program.startsWith("node")) {
            append(env, "NODE_OPTIONS", "--inspect=" + address);
            debugger = new Debugger("Node inspector", port, "chrome://inspect (add localhost:" + port + " under Configure), your"
                    + " IDE's Node attach on localhost:" + port + ", or `node inspect " + address + "`");
        } else if (program.startsWith("python") && command.size() > 1 && !command.get(0).endsWith("sh")) {
            if (!hasDebugpy(command.getFirst())) {
                throw UserError.badRequest("debug.unsupported", "debugpy is not installed for " + command.getFirst()
                        + " on the Nubo server", "install it there (pip install debugpy), then run `nubo debug` again");
            }
            int script = 1;
            while (script < command.size() && command.get(script).startsWith("-") && !command.get(script).equals("-m")) {
                script++; // the interpreter's own flags (-u) stay before -m debugpy
            }
            command.addAll(script, List.of("-m", "debugpy", "--listen", address));
            debugger = new Debugger("debugpy", port, "your IDE's Python attach (VS Code: \"Python: Attach\") to localhost:" + port);
        } else {
            throw UserError.badRequest("debug.unsupported", "nubo debug starts Java, Node.js and Python programs with a"
                    + " debugger, and this service runs `" + program + "`", "debug it with the tools of its language, or"
                    + " run it as a Java, Node or Python program");
        }
        LaunchSpec debug = new LaunchSpec(spec.instanceId(), spec.service(), spec.revision(), command, env, spec.workDir(),
                spec.logFile(), spec.readinessPath(), spec.startTimeout(), spec.memoryBytes(), spec.cpuMillis(), spec.processes(),
                spec.proven(), spec.port(), spec.writable(),
                Optional.empty(), spec.secretFiles());
        return new Debugging(debug, debugger);
    }

    /** The program's name: {@code java} for {@code /usr/bin/java}, the first word of a {@code sh -c} script. */
    static String program(List<String> command) {
        String first = command.getFirst();
        if (command.size() == 3 && first.endsWith("sh") && command.get(1).equals("-c")) {
            String[] words = command.get(2).strip().split("\\s+");
            first = words[0].equals("exec") && words.length > 1 ? words[1] : words[0];
        }
        return Path.of(first).getFileName().toString();
    }

    private static void append(Map<String, String> env, String name, String option) {
        String before = env.getOrDefault(name, System.getenv().getOrDefault(name, ""));
        env.put(name, (before.isBlank() ? "" : before + " ") + option);
    }

    private static boolean hasDebugpy(String python) {
        try {
            Process probe = new ProcessBuilder(python, "-c", "import debugpy").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
