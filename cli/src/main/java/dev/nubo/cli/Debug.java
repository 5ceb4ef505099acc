package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo debug NAME}: the server starts one more instance of the serving revision with a
 * debugger on a loopback port (JDWP, the Node inspector, or debugpy), reachable at
 * {@code debug-NAME.<domain>} with timeouts suspended and out of the autoscaler's reach; this prints
 * how to attach and holds the session until Ctrl-C, which ends it. The server runs on this machine
 * (loopback), or the port is reached through an SSH tunnel.
 */
@Command(name = "debug", description = "Start an instance of a service with a debugger attached on loopback, and keep it"
        + " until Ctrl-C.")
final class Debug extends ClientCommand {

    static final Duration POLL = Duration.ofSeconds(2);

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Option(names = "--stop", description = "End the service's debug session (e.g. one left by a closed terminal).")
    boolean stop;

    Debug(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        String path = "/v1/services/" + Api.segment(service(name)) + "/debug";
        Screen screen = new Screen(out(), env);
        try (Api api = api()) {
            if (stop) {
                boolean ended = api.delete(path).path("ended").asBoolean();
                screen.line(ended ? "ended the debug session of " + name : name + " had no debug session");
                return 0;
            }
            screen.pending("starting a debug instance of " + name);
            JsonNode session = api.postAndWait(path, Json.mapper().createObjectNode());
            screen.done(session.path("instance").asText() + " ready: " + session.path("protocol").asText() + " on "
                    + session.path("debugHost").asText() + ":" + session.path("debugPort").asInt());
            screen.line("  attach:   " + session.path("attach").asText());
            screen.line("  requests: " + session.path("url").asText() + " (this instance only, with timeouts suspended;"
                    + " the service's own URL is served as before)");
            screen.line("Ctrl-C ends the session");
            Thread ender = new Thread(() -> {
                try (Api last = api()) {
                    last.delete(path);
                } catch (RuntimeException e) {
                    // the server is gone, and the session with it
                }
            });
            Runtime.getRuntime().addShutdownHook(ender);
            while (true) {
                Thread.sleep(POLL);
                try {
                    api.get(path);
                } catch (CommandError e) {
                    Runtime.getRuntime().removeShutdownHook(ender);
                    throw new CommandError("the debug session of " + name + " ended: " + e.getMessage(),
                            "see why in `nubo logs " + name + "`; run `nubo debug " + name + "` for a new one");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
