package dev.nubo.javaruntime;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A host started ahead of its function ({@code NUBO_POOL=1}, no {@code PORT} nor handler): it warms
 * up, says so in one line, and waits for the specialisation message on stdin. Once it has it, the
 * message's variables become the process environment (and {@code NUBO_POOL} leaves it), and the
 * host starts exactly as a fresh one would, with the same failures and exit status. The time from
 * message to listening is the cold start a pooled function pays.
 *
 * <p>Java cannot change its working directory: {@code NUBO_WORKDIR} is only a variable, and relative
 * paths keep resolving against the pool's directory.
 */
final class PooledStart {

    private PooledStart() {}

    /** False when stdin ended before a message: the platform is closing its pool. */
    static boolean run(long started) throws IOException {
        WritableEnvironment environment = WritableEnvironment.open();
        WarmUp.run();
        HttpServer server = JavaHost.server();
        long warmedUp = System.nanoTime();
        System.out.println("nubo: pooled Java runtime warmed up in " + (warmedUp - started) / 1_000_000 + " ms");

        Optional<Map<String, String>> message = SpecialisationMessage.read(System.in);
        if (message.isEmpty()) {
            return false;
        }
        long specialising = System.nanoTime();
        environment.update(message.get(), "NUBO_POOL");
        HostConfig config = HostConfig.from(System.getenv());
        JavaHost.serve(config, server);
        System.out.println("nubo: specialised as " + config.service() + "/" + config.revision() + " in "
                + JavaHost.millisSince(specialising) + " ms (pooled; warmed up " + (specialising - warmedUp) / 1_000_000
                + " ms earlier)");
        return true;
    }
}
